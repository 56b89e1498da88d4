using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// SAID / LLMInit (registered as "said" and "llminit"): the id-only model over
/// <see cref="LlmEnhancedModelOptions.Backbone"/> whose item table starts from the PCA-reduced LLM item embeddings
/// instead of random values, then is fine-tuned with the rest of the model.
/// </summary>
public sealed class LlmInitRecommenderFactory : IRecommenderModelFactory
{
    private readonly LlmEnhancedModelOptions _options;

    /// <summary>Creates the factory registered as <paramref name="name"/>.</summary>
    public LlmInitRecommenderFactory([ServiceKey] string name, IOptions<LlmEnhancedModelOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Name = name;
        _options = options.Value;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ModelInput Inputs => ModelInput.SemanticEmbeddings;

    /// <inheritdoc />
    public SequentialRecommender Create(RecommenderModelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var embeddings = context.RequireSemanticEmbeddings(Name);
        using var initial = SemanticItemTables.Reduced(embeddings, context.Backbone.HiddenSize, _options.PcaScaling);
        var encoder = context.Components.SequenceEncoder(_options.Backbone).Create(context.Backbone);
        var model = new IdOnlyRecommender(Name, context.Dataset.ItemCount, context.Backbone.MaxLength, encoder);
        using (no_grad())
        {
            model.get_parameter(IdOnlyRecommender.ItemTableParameter)!.copy_(initial);
        }
        return model;
    }
}
