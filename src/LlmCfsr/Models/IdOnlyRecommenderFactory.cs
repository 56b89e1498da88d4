using LlmCfsr.DependencyInjection;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.Models;

/// <summary>
/// Creates <see cref="IdOnlyRecommender"/> models; the registration name is also the name of the backbone
/// ("sasrec" -> an id table in front of the "sasrec" backbone).
/// </summary>
public sealed class IdOnlyRecommenderFactory : IRecommenderModelFactory
{
    /// <summary>Creates the factory registered as <paramref name="name"/>.</summary>
    public IdOnlyRecommenderFactory([ServiceKey] string name) => Name = name;

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public SequentialRecommender Create(RecommenderModelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var encoder = context.Components.SequenceEncoder(Name).Create(context.Backbone);
        return new IdOnlyRecommender(Name, context.Dataset.ItemCount, context.Backbone.MaxLength, encoder);
    }
}
