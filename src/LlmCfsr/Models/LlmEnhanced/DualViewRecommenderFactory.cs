using LlmCfsr.Fusion;
using LlmCfsr.Representations;

namespace LlmCfsr.Models;

/// <summary>
/// Creates <see cref="DualViewRecommender"/> models for LLM-CFSR, its ablations and LLM-ESR, one factory per
/// registered <see cref="DualViewVariant"/>. The backbone comes from <see cref="LlmEnhancedModelOptions.Backbone"/>,
/// the fusion <see cref="LlmEnhancedModelOptions.Fusion"/> when the views attend to each other, else
/// <see cref="DualViewVariant.ScoreLevelFusion"/> (single-view and no-cross-attention ablations).
/// </summary>
public sealed class DualViewRecommenderFactory : IRecommenderModelFactory
{
    private readonly DualViewVariant _variant;
    private readonly LlmEnhancedModelOptions _options;
    private readonly LlmEsrOptions? _selfDistillation;
    private readonly int _crossAttentionHeads;

    /// <summary>
    /// Creates the factory of <paramref name="variant"/>, registered as <paramref name="name"/>, with
    /// <paramref name="crossAttentionHeads"/> heads per direction and <paramref name="selfDistillation"/>'s settings
    /// (required when the variant distils).
    /// </summary>
    public DualViewRecommenderFactory(string name, DualViewVariant variant, LlmEnhancedModelOptions options, int crossAttentionHeads, LlmEsrOptions? selfDistillation = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(variant);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(crossAttentionHeads);
        if (variant.SelfDistillation && selfDistillation is null)
        {
            throw new ArgumentException($"Model '{name}' distils from similar users and needs the {nameof(LlmEsrOptions)}.", nameof(selfDistillation));
        }
        Name = name;
        _variant = variant;
        _options = options;
        _crossAttentionHeads = crossAttentionHeads;
        _selfDistillation = selfDistillation;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ModelInput Inputs => _variant.Inputs;

    /// <inheritdoc />
    public SequentialRecommender Create(RecommenderModelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var embeddings = _variant.UseFineTunedEmbeddings ? context.RequireSemanticEmbeddings(Name) : context.RequireRawSemanticEmbeddings(Name);
        var userEmbeddings = _variant.SelfDistillation ? context.RequireUserEmbeddings(Name) : null;
        var settings = context.Backbone;
        var backbones = context.Components.SequenceEncoder(_options.Backbone);
        var fusion = context.Components.Fusion(_variant.AttendsAcrossViews ? _options.Fusion : DualViewVariant.ScoreLevelFusion)
            .Create(new FusionSettings { HiddenSize = settings.HiddenSize, Heads = _crossAttentionHeads, Dropout = settings.Dropout, ResidualNorm = _variant.ResidualFusion });

        var semanticTable = _variant.SemanticView ? SemanticItemTables.Frozen(embeddings) : null;
        var adapter = _variant.SemanticView ? new SemanticAdapter(embeddings.Dimension, settings.HiddenSize, _options.AdapterDropout) : null;
        var collaborativeInit = _variant.CollaborativeView ? SemanticItemTables.Reduced(embeddings, settings.HiddenSize, _options.PcaScaling) : null;
        var encoder = backbones.Create(settings);
        var secondEncoder = _variant.SharedEncoder || !_variant.SemanticView || !_variant.CollaborativeView ? null : backbones.Create(settings);
        UserSelfDistillation? distillation = null;
        if (userEmbeddings is not null && _selfDistillation is { } esr)
        {
            using var users = userEmbeddings.ToTensor();
            distillation = new UserSelfDistillation(context.Dataset, users, esr.Neighbours, settings.MaxLength, esr.DistillationWeight);
        }
        return new DualViewRecommender(Name, context.Dataset.ItemCount, settings.MaxLength, semanticTable, adapter, collaborativeInit,
            fusion, encoder, secondEncoder, distillation, _variant.DefaultLoss,
            _variant.PositionsBeforeFusion && _variant.AttendsAcrossViews, settings.Dropout);
    }
}
