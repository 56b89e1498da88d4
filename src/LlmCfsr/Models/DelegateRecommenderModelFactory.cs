namespace LlmCfsr.Models;

/// <summary>
/// A model factory made of a creation function, for a model that needs no factory class of its own
/// (<c>builder.AddRecommenderModel(name, inputs, context => new MyModel(...))</c>).
/// </summary>
internal sealed class DelegateRecommenderModelFactory(string name, ModelInput inputs, string? teacher, Func<RecommenderModelContext, SequentialRecommender> create)
    : IRecommenderModelFactory
{
    public string Name { get; } = name;

    public ModelInput Inputs { get; } = inputs;

    public string? Teacher { get; } = teacher;

    public SequentialRecommender Create(RecommenderModelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return create(context);
    }
}
