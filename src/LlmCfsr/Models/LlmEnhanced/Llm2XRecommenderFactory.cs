using Microsoft.Extensions.Options;

namespace LlmCfsr.Models;

/// <summary>Creates <see cref="Llm2XRecommender"/> models (registered as "llm2x") over <see cref="LlmEnhancedModelOptions.Backbone"/>.</summary>
public sealed class Llm2XRecommenderFactory : IRecommenderModelFactory
{
    /// <summary>The registration name.</summary>
    public const string RegisteredName = "llm2x";

    private readonly LlmEnhancedModelOptions _options;

    /// <summary>Creates the factory.</summary>
    public Llm2XRecommenderFactory(IOptions<LlmEnhancedModelOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
    }

    /// <inheritdoc />
    public string Name => RegisteredName;

    /// <inheritdoc />
    public ModelInput Inputs => ModelInput.SemanticEmbeddings;

    /// <inheritdoc />
    public SequentialRecommender Create(RecommenderModelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var embeddings = context.RequireSemanticEmbeddings(Name);
        var table = SemanticItemTables.Reduced(embeddings, context.Backbone.HiddenSize, _options.PcaScaling);
        var encoder = context.Components.SequenceEncoder(_options.Backbone).Create(context.Backbone);
        return new Llm2XRecommender(Name, context.Dataset.ItemCount, context.Backbone.MaxLength, table, encoder);
    }
}
