using LlmCfsr.Representations;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Models;

/// <summary>
/// Creates <see cref="LlmEmbRecommender"/> models (registered as "llmemb"): the fine-tuned item embeddings
/// (--embeddings) and a trained id-only teacher run (--teacher-run) of the same hidden size.
/// </summary>
public sealed class LlmEmbRecommenderFactory : IRecommenderModelFactory
{
    /// <summary>The registration name.</summary>
    public const string RegisteredName = "llmemb";

    private readonly LlmEnhancedModelOptions _options;
    private readonly LlmEmbOptions _alignment;

    /// <summary>Creates the factory.</summary>
    public LlmEmbRecommenderFactory(IOptions<LlmEnhancedModelOptions> options, IOptions<LlmEmbOptions> alignment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(alignment);
        _options = options.Value;
        _alignment = alignment.Value;
    }

    /// <inheritdoc />
    public string Name => RegisteredName;

    /// <inheritdoc />
    public ModelInput Inputs => ModelInput.SemanticEmbeddings | ModelInput.TeacherRun;

    /// <summary>The id-only model LLMEmb aligns to, as in the official code.</summary>
    public const string TeacherModel = "sasrec";

    /// <inheritdoc />
    public string? Teacher => TeacherModel;

    /// <inheritdoc />
    public SequentialRecommender Create(RecommenderModelContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var embeddings = context.RequireSemanticEmbeddings(Name);
        var teacher = context.RequireTeacherItemEmbeddings(Name);
        int hidden = context.Backbone.HiddenSize;
        if (teacher.ndim != 2 || teacher.shape[0] != context.Dataset.ItemCount + 1 || teacher.shape[1] != hidden)
        {
            throw new ArgumentException(
                $"Model '{Name}' aligns to the teacher's item table, which is [{string.Join(", ", teacher.shape)}]; it must be [{context.Dataset.ItemCount + 1}, {hidden}]: train the teacher with the same --hidden ({hidden}).");
        }
        var encoder = context.Components.SequenceEncoder(_options.Backbone).Create(context.Backbone);
        return new LlmEmbRecommender(Name, context.Dataset.ItemCount, context.Backbone.MaxLength,
            SemanticItemTables.Frozen(embeddings), teacher.detach().clone(), new SemanticAdapter(embeddings.Dimension, hidden, _options.AdapterDropout), encoder, _alignment);
    }
}
