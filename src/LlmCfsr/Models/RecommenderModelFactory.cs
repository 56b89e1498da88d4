using LlmCfsr.DependencyInjection;

namespace LlmCfsr.Models;

/// <summary>A registered model made of its configured options and a creation function (<c>builder.AddRecommenderModel</c>).</summary>
/// <typeparam name="TOptions">The model's options.</typeparam>
internal sealed class RecommenderModelFactory<TOptions> : IRecommenderModelFactory
    where TOptions : RecommenderModelOptions
{
    private readonly Func<TOptions, RecommenderModelInputs, ComponentCatalog, SequentialRecommender> _create;

    /// <summary>Creates the registration <paramref name="name"/> with <paramref name="options"/>; throws naming every invalid option.</summary>
    public RecommenderModelFactory(string name, TOptions options, Func<TOptions, RecommenderModelInputs, ComponentCatalog, SequentialRecommender> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(create);
        Name = name;
        Options = options;
        _create = create;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc cref="IRecommenderModelFactory.Options" />
    public TOptions Options { get; }

    /// <inheritdoc />
    public Type OptionsType => typeof(TOptions);

    RecommenderModelOptions IRecommenderModelFactory.Options => Options;

    /// <inheritdoc />
    public SequentialRecommender Create(RecommenderModelOptions options, RecommenderModelInputs inputs, ComponentCatalog components)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(components);
        if (options is not TOptions typed)
        {
            throw new ArgumentException($"Model '{Name}' is built from {typeof(TOptions).Name}, not {options?.GetType().Name ?? "null"}.", nameof(options));
        }
        var problems = typed.Validate(RecommenderModelOptions.SectionOf(Name)).ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }
        return _create(typed, inputs, components);
    }
}
