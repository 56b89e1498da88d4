using LlmCfsr.Data;
using LlmCfsr.Embeddings;
using LlmCfsr.Sequences;
using TorchSharp;

namespace LlmCfsr.Models;

/// <summary>
/// What a model is built from besides its options (<see cref="RecommenderModels.Create"/>):
/// the item count, the backbone sizes and the tensors the options declare (<see cref="RecommenderModelOptions.Inputs"/>).
/// Item tables are float32 [items + 1, d] in item-id order with row 0 the padding id. The model keeps its own handle
/// on a table it reads (sharing its storage, never copying it) and never disposes or changes the caller's tensors.
/// The training-only inputs (<see cref="TeacherItemEmbeddings"/>, <see cref="UserEmbeddings"/> with
/// <see cref="TrainingData"/>) may be left out when a trained model is rebuilt for scoring (a saved run, a bundle).
/// <see cref="Dispose"/> disposes the tensors held here (the models keep their own handles).
/// </summary>
public sealed record RecommenderModelInputs : IDisposable
{
    /// <summary>Items (ids 1..ItemCount).</summary>
    public required int ItemCount { get; init; }

    /// <summary>Backbone sizes (hidden, layers, heads, dropout, maximum length).</summary>
    public required SequenceEncoderSettings Backbone { get; init; }

    /// <summary>The LLM item embeddings of a CFT-fine-tuned encoder [items + 1, d_llm] (<see cref="ModelInput.SemanticEmbeddings"/>).</summary>
    public torch.Tensor? SemanticItemEmbeddings { get; init; }

    /// <summary>The raw LLM item embeddings made without fine-tuning [items + 1, d_llm] (<see cref="ModelInput.RawSemanticEmbeddings"/>).</summary>
    public torch.Tensor? RawSemanticItemEmbeddings { get; init; }

    /// <summary>SAID's stage-1 item embeddings [items + 1, d_item] (<see cref="ModelInput.SaidEmbeddings"/>).</summary>
    public torch.Tensor? SaidItemEmbeddings { get; init; }

    /// <summary>The LLM item embeddings of an SCFT-fine-tuned encoder [items + 1, d_llm] (<see cref="ModelInput.ScftEmbeddings"/>).</summary>
    public torch.Tensor? ScftItemEmbeddings { get; init; }

    /// <summary>
    /// The PCA reduction [items + 1, hidden] of the item embeddings the model reads, as the model made it (e.g. LLM2X's fixed
    /// item table, saved with a bundle): used in place of computing it again. Optional.
    /// </summary>
    public torch.Tensor? ReducedItemEmbeddings { get; init; }

    /// <summary>The teacher run's item representations [items + 1, hidden] (<see cref="ModelInput.TeacherRun"/>); training only.</summary>
    public torch.Tensor? TeacherItemEmbeddings { get; init; }

    /// <summary>
    /// The teacher run's parameters and buffers by name (<see cref="ModelInput.TeacherRun"/>), for a model that starts from the
    /// whole trained teacher (MELT, CITIES) rather than its item table; training only.
    /// </summary>
    public IReadOnlyDictionary<string, torch.Tensor>? TeacherWeights { get; init; }

    /// <summary>LLM user embeddings of the training histories [users, d] in <see cref="TrainingData"/>'s user order (<see cref="ModelInput.UserEmbeddings"/>); training only.</summary>
    public torch.Tensor? UserEmbeddings { get; init; }

    /// <summary>The dataset the model is trained on, for inputs derived from its training sequences (LLM-ESR's neighbours); training only.</summary>
    public PreparedDataset? TrainingData { get; init; }

    /// <summary>The inputs that are only needed to train, not to score.</summary>
    public const ModelInput TrainingOnly = ModelInput.TeacherRun | ModelInput.UserEmbeddings;

    /// <summary>Which inputs are given.</summary>
    public ModelInput Given =>
        (SemanticItemEmbeddings is null ? ModelInput.None : ModelInput.SemanticEmbeddings)
        | (RawSemanticItemEmbeddings is null ? ModelInput.None : ModelInput.RawSemanticEmbeddings)
        | (SaidItemEmbeddings is null ? ModelInput.None : ModelInput.SaidEmbeddings)
        | (ScftItemEmbeddings is null ? ModelInput.None : ModelInput.ScftEmbeddings)
        | (TeacherItemEmbeddings is null ? ModelInput.None : ModelInput.TeacherRun)
        | (UserEmbeddings is null || TrainingData is null ? ModelInput.None : ModelInput.UserEmbeddings);

    /// <summary>
    /// The inputs of <paramref name="dataset"/> from embedding caches (each checked against the dataset's item or user
    /// order, and each item cache against the kind its input takes: <paramref name="semantic"/> CFT, <paramref name="raw"/>
    /// raw, <paramref name="said"/> SAID stage 1, <paramref name="scft"/> SCFT; see <see cref="ItemEmbeddingKinds"/>): what
    /// training and the tests build models from.
    /// </summary>
    public static RecommenderModelInputs From(PreparedDataset dataset, SequenceEncoderSettings backbone, ItemEmbeddingCache? semantic = null,
        ItemEmbeddingCache? raw = null, UserEmbeddingCache? users = null, torch.Tensor? teacher = null, ItemEmbeddingCache? said = null, ItemEmbeddingCache? scft = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentNullException.ThrowIfNull(backbone);
        foreach (var (input, cache) in new[] { (ModelInput.SemanticEmbeddings, semantic), (ModelInput.RawSemanticEmbeddings, raw), (ModelInput.SaidEmbeddings, said), (ModelInput.ScftEmbeddings, scft) })
        {
            if (cache is not null)
            {
                ItemEmbeddingKinds.Ensure(cache.Fingerprint, input, $"The item embeddings given as RecommenderModelInputs.{ModelInputDescriptions.Properties[input]}");
            }
        }
        return new RecommenderModelInputs
        {
            ItemCount = dataset.ItemCount,
            Backbone = backbone,
            SemanticItemEmbeddings = semantic?.ToTensor(withPaddingRow: true),
            RawSemanticItemEmbeddings = raw?.ToTensor(withPaddingRow: true),
            SaidItemEmbeddings = said?.ToTensor(withPaddingRow: true),
            ScftItemEmbeddings = scft?.ToTensor(withPaddingRow: true),
            TeacherItemEmbeddings = teacher,
            UserEmbeddings = users?.ToTensor(),
            TrainingData = dataset,
        };
    }

    /// <summary>The item-embedding table of <paramref name="input"/> (one of <see cref="ModelInputDescriptions.ItemEmbeddings"/>), or null.</summary>
    internal torch.Tensor? ItemTable(ModelInput input) => input switch
    {
        ModelInput.SemanticEmbeddings => SemanticItemEmbeddings,
        ModelInput.RawSemanticEmbeddings => RawSemanticItemEmbeddings,
        ModelInput.SaidEmbeddings => SaidItemEmbeddings,
        ModelInput.ScftEmbeddings => ScftItemEmbeddings,
        _ => throw new ArgumentOutOfRangeException(nameof(input), input, "Not an item-embedding input."),
    };

    /// <summary>These inputs with <paramref name="table"/> as the item-embedding table of <paramref name="input"/>.</summary>
    internal RecommenderModelInputs WithItemTable(ModelInput input, torch.Tensor? table) => input switch
    {
        ModelInput.SemanticEmbeddings => this with { SemanticItemEmbeddings = table },
        ModelInput.RawSemanticEmbeddings => this with { RawSemanticItemEmbeddings = table },
        ModelInput.SaidEmbeddings => this with { SaidItemEmbeddings = table },
        ModelInput.ScftEmbeddings => this with { ScftItemEmbeddings = table },
        _ => throw new ArgumentOutOfRangeException(nameof(input), input, "Not an item-embedding input."),
    };

    /// <summary>The input <paramref name="input"/> of model <paramref name="model"/>, or an error naming the property (and the training option) to set.</summary>
    internal torch.Tensor Require(string model, ModelInput input) => input switch
    {
        ModelInput.TeacherRun => TeacherItemEmbeddings,
        ModelInput.UserEmbeddings => TrainingData is null ? null : UserEmbeddings,
        _ => ItemTable(input),
    } ?? throw ModelInputDescriptions.Missing(model, input);

    /// <inheritdoc />
    public void Dispose()
    {
        SemanticItemEmbeddings?.Dispose();
        RawSemanticItemEmbeddings?.Dispose();
        SaidItemEmbeddings?.Dispose();
        ScftItemEmbeddings?.Dispose();
        ReducedItemEmbeddings?.Dispose();
        TeacherItemEmbeddings?.Dispose();
        foreach (var weight in TeacherWeights?.Values ?? [])
        {
            weight.Dispose();
        }
        UserEmbeddings?.Dispose();
    }
}
