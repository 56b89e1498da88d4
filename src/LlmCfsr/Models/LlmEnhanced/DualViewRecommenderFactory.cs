using LlmCfsr.Fusion;
using LlmCfsr.Representations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Models;

/// <summary>
/// Creates <see cref="DualViewRecommender"/> models for LLM-CFSR, its ablations and LLM-ESR; the registration
/// name picks the <see cref="DualViewVariant"/>. The backbone comes from <see cref="LlmEnhancedModelOptions.Backbone"/>,
/// the fusion is the registered "cross-attention" (or "concat" for the no-cross-attention ablation and for
/// single-view ablations, which have nothing to attend over).
/// </summary>
public sealed class DualViewRecommenderFactory : IRecommenderModelFactory
{
    private readonly DualViewVariant _variant;
    private readonly LlmEnhancedModelOptions _options;
    private readonly LlmEsrOptions _esrOptions;

    /// <summary>Creates the factory registered as <paramref name="name"/>.</summary>
    public DualViewRecommenderFactory([ServiceKey] string name, IOptions<LlmEnhancedModelOptions> options, IOptions<LlmEsrOptions> esrOptions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(esrOptions);
        Name = name;
        _variant = DualViewVariant.Of(name);
        _options = options.Value;
        _esrOptions = esrOptions.Value;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public SequentialRecommender Create(RecommenderModelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var embeddings = _variant.UseFineTunedEmbeddings ? context.RequireSemanticEmbeddings(Name) : context.RequireRawSemanticEmbeddings(Name);
        var userEmbeddings = _variant.SelfDistillation ? context.RequireUserEmbeddings(Name) : null;
        var settings = context.Backbone;
        var backbones = context.Components.SequenceEncoder(_options.Backbone);
        bool attend = _variant.CrossAttention && _variant.SemanticView && _variant.CollaborativeView;
        int heads = Name == DualViewVariant.LlmEsr ? _esrOptions.CrossAttentionHeads : _options.CrossAttentionHeads;
        var fusion = context.Components.Fusion(attend ? "cross-attention" : "concat")
            .Create(new FusionSettings { HiddenSize = settings.HiddenSize, Heads = heads, Dropout = settings.Dropout, ResidualNorm = _variant.ResidualFusion });

        var semanticTable = _variant.SemanticView ? SemanticItemTables.Frozen(embeddings) : null;
        var adapter = _variant.SemanticView ? new SemanticAdapter(embeddings.Dimension, settings.HiddenSize, _options.AdapterDropout) : null;
        var collaborativeInit = _variant.CollaborativeView ? SemanticItemTables.Reduced(embeddings, settings.HiddenSize, _options.PcaScaling) : null;
        var encoder = backbones.Create(settings);
        var secondEncoder = _variant.SharedEncoder || !_variant.SemanticView || !_variant.CollaborativeView ? null : backbones.Create(settings);
        UserSelfDistillation? distillation = null;
        if (userEmbeddings is not null)
        {
            using var users = userEmbeddings.ToTensor();
            distillation = new UserSelfDistillation(context.Dataset, users, _esrOptions.Neighbours, settings.MaxLength, _esrOptions.DistillationWeight);
        }
        return new DualViewRecommender(Name, context.Dataset.ItemCount, settings.MaxLength, semanticTable, adapter, collaborativeInit,
            fusion, encoder, secondEncoder, distillation, _variant.DefaultLoss);
    }
}
