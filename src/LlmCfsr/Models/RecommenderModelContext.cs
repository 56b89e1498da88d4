using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Sequences;

namespace LlmCfsr.Models;

/// <summary>What a model factory receives: the data, the backbone sizes and the registered parts.</summary>
public sealed record RecommenderModelContext
{
    /// <summary>The dataset the model is trained on (item count, item attributes for semantic views).</summary>
    public required PreparedDataset Dataset { get; init; }

    /// <summary>Backbone sizes (hidden, layers, heads, dropout, maximum length).</summary>
    public required SequenceEncoderSettings Backbone { get; init; }

    /// <summary>Registered parts: backbones, fusions, semantic encoders by name.</summary>
    public required ComponentCatalog Components { get; init; }

    /// <summary>The application's services, for factories that need their own options.</summary>
    public required IServiceProvider Services { get; init; }
}
