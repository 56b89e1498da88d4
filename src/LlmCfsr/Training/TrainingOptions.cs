using LlmCfsr.Data;
using LlmCfsr.Evaluation;
using LlmCfsr.Models;
using LlmCfsr.Sequences;

namespace LlmCfsr.Training;

/// <summary>
/// Everything that defines a training run; saved in the run's <c>run.json</c> so a run can be resumed,
/// re-evaluated and reproduced. Defaults follow the SASRec reference settings for Amazon data.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>Registered model name ("sasrec", "gru4rec", "bert4rec", ...).</summary>
    public string Model { get; init; } = "sasrec";

    /// <summary>Registered ranking loss; null picks "bce" for causal models and "ce" for bidirectional ones.</summary>
    public string? Loss { get; init; }

    /// <summary>Which positions predict items; <see cref="TrainingObjective.Auto"/> follows the model's direction.</summary>
    public TrainingObjective Objective { get; init; } = TrainingObjective.Auto;

    /// <summary>Probability that a real position is masked in masked-item training.</summary>
    public double MaskProbability { get; init; } = 0.2;

    /// <summary>Maximum number of epochs.</summary>
    public int Epochs { get; init; } = 100;

    /// <summary>Epochs without a better validation NDCG@10 before training stops.</summary>
    public int Patience { get; init; } = 5;

    /// <summary>Users (training windows) per step.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Learning rate.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>Weight decay (L2 for Adam, decoupled for AdamW).</summary>
    public double WeightDecay { get; init; }

    /// <summary>The optimizer.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Maximum gradient norm; 0 switches clipping off.</summary>
    public double GradientClipNorm { get; init; } = 5.0;

    /// <summary>Longest window (newest items) the model sees.</summary>
    public int MaxLength { get; init; } = 50;

    /// <summary>Embedding and hidden size; null (default) takes the model's (<see cref="RecommenderModelOptions.HiddenSize"/>: 64).</summary>
    public int? HiddenSize { get; init; }

    /// <summary>Backbone blocks or recurrent layers.</summary>
    public int Layers { get; init; } = 2;

    /// <summary>
    /// Attention heads of the backbone; null (default) takes the model's (<see cref="RecommenderModelOptions.Heads"/>: 1 for
    /// the id-only models, 4 for LLM-CFSR and its ablations as in the paper).
    /// </summary>
    public int? Heads { get; init; }

    /// <summary>Dropout probability.</summary>
    public double Dropout { get; init; } = 0.2;

    /// <summary>
    /// Group each batch's users by history length so batches carry little padding (default true); false draws
    /// every batch uniformly from a shuffled order. Either way each batch is cut to its longest window.
    /// </summary>
    public bool BucketByLength { get; init; } = true;

    /// <summary>Seed of weight initialisation, shuffling, masking, negatives and dropout.</summary>
    public int Seed { get; init; } = 42;

    /// <summary>Torch device: "cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Protocol of validation (early stopping) and of the final test evaluation, e.g. "sampled:100" or "full".</summary>
    public string EvaluationProtocol { get; init; } = "sampled:100";

    /// <summary>Users per evaluation batch (<see cref="EvaluationOptions.BatchSize"/>); changes no result, only speed and memory.</summary>
    public int EvaluationBatchSize { get; init; } = EvaluationOptions.DefaultBatchSize;

    /// <summary>
    /// Seed of the sampled evaluation candidates, separate from <see cref="Seed"/>: runs with different training
    /// seeds (and models) are ranked against the same validation and test candidates. Default 42.
    /// </summary>
    public long EvaluationSeed { get; init; } = 42;

    /// <summary>Long-tail groups of the validation and test reports (default: Pareto shares).</summary>
    public LongTailOptions LongTail { get; init; } = new();

    /// <summary>
    /// The item-embedding cache of a CFT-fine-tuned encoder (<c>llmcfsr finetune</c>, then <c>llmcfsr embed --adapter</c>) that
    /// "llm-cfsr" and its ablations read (cache kind "fine-tuned", objective "cft" or unknown); checked against the dataset's item order.
    /// </summary>
    public string? SemanticEmbeddingsPath { get; init; }

    /// <summary>
    /// Raw LLM item embeddings made without fine-tuning (cache kind "raw"), read by the baselines "llm2x", "llminit", "llm-esr"
    /// and by "llm-cfsr-no-cft"; <see cref="SemanticEmbeddingsPath"/> is never used in their place.
    /// </summary>
    public string? RawSemanticEmbeddingsPath { get; init; }

    /// <summary>SAID's stage-1 item embeddings (<c>llmcfsr finetune --objective said</c>, cache kind "said-stage1") that "said" reads.</summary>
    public string? SaidEmbeddingsPath { get; init; }

    /// <summary>
    /// The item-embedding cache of an SCFT-fine-tuned encoder (<c>llmcfsr finetune --objective scft</c>, then <c>llmcfsr embed --adapter</c>)
    /// that "llmemb" reads (cache kind "fine-tuned", objective "scft" or unknown; never the CFT embeddings).
    /// </summary>
    public string? ScftEmbeddingsPath { get; init; }

    /// <summary>A finished run of an id-only model (e.g. "sasrec") whose item table LLMEmb aligns to.</summary>
    public string? TeacherRunDirectory { get; init; }

    /// <summary>LLM-ESR's user embeddings of the training histories (<c>llmcfsr embed --users</c>).</summary>
    public string? UserEmbeddingsPath { get; init; }

    /// <summary>
    /// These options with <paramref name="requested"/>'s settings that change no number (the device, the evaluation
    /// batch size): what a recorded run is compared by when it is resumed or reused, so a new default of either does not
    /// retrain finished runs.
    /// </summary>
    internal TrainingOptions WithNumericallyNeutralSettingsOf(TrainingOptions requested)
        => this with { Device = requested.Device, EvaluationBatchSize = requested.EvaluationBatchSize };

    /// <summary>The path these options give for <paramref name="input"/> (<see cref="ModelInputRequirements.Options"/> names the option), or null.</summary>
    internal string? PathOf(ModelInput input) => input switch
    {
        ModelInput.SemanticEmbeddings => SemanticEmbeddingsPath,
        ModelInput.RawSemanticEmbeddings => RawSemanticEmbeddingsPath,
        ModelInput.SaidEmbeddings => SaidEmbeddingsPath,
        ModelInput.ScftEmbeddings => ScftEmbeddingsPath,
        ModelInput.UserEmbeddings => UserEmbeddingsPath,
        ModelInput.TeacherRun => TeacherRunDirectory,
        _ => throw new ArgumentOutOfRangeException(nameof(input), input, "Not a single model input."),
    };

    /// <summary>These options with <paramref name="path"/> as the path of <paramref name="input"/>.</summary>
    internal TrainingOptions WithPathOf(ModelInput input, string? path) => input switch
    {
        ModelInput.SemanticEmbeddings => this with { SemanticEmbeddingsPath = path },
        ModelInput.RawSemanticEmbeddings => this with { RawSemanticEmbeddingsPath = path },
        ModelInput.SaidEmbeddings => this with { SaidEmbeddingsPath = path },
        ModelInput.ScftEmbeddings => this with { ScftEmbeddingsPath = path },
        ModelInput.UserEmbeddings => this with { UserEmbeddingsPath = path },
        ModelInput.TeacherRun => this with { TeacherRunDirectory = path },
        _ => throw new ArgumentOutOfRangeException(nameof(input), input, "Not a single model input."),
    };

    /// <summary>
    /// The backbone sizes these options ask of <paramref name="model"/>: <see cref="HiddenSize"/> and <see cref="Heads"/> where
    /// set, else the model's own.
    /// </summary>
    public SequenceEncoderSettings BackboneFor(RecommenderModelOptions model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new()
        {
            HiddenSize = HiddenSize ?? model.HiddenSize,
            MaxLength = MaxLength,
            Layers = Layers,
            Heads = Heads ?? model.Heads,
            Dropout = Dropout,
        };
    }

    /// <summary>
    /// The evaluation settings of this run: <paramref name="protocol"/> (default: <see cref="EvaluationProtocol"/>),
    /// <see cref="EvaluationSeed"/>, <see cref="LongTail"/>, histories cut to <see cref="MaxLength"/>, on
    /// <paramref name="device"/> (default: <see cref="Device"/>).
    /// </summary>
    public EvaluationOptions EvaluationSettings(EvaluationProtocol? protocol = null, TorchSharp.torch.Device? device = null) => new()
    {
        Protocol = protocol ?? Evaluation.EvaluationProtocol.Parse(EvaluationProtocol),
        BatchSize = EvaluationBatchSize,
        MaxHistoryLength = MaxLength,
        Device = device ?? TorchDevice.Parse(Device),
        Seed = EvaluationSeed,
        LongTail = LongTail,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        static void Require(bool condition, string message)
        {
            if (!condition)
            {
                throw new ArgumentException(message);
            }
        }
        Require(!string.IsNullOrWhiteSpace(Model), "Model must name a registered model (e.g. 'sasrec').");
        Require(Loss is null || !string.IsNullOrWhiteSpace(Loss), "Loss must name a registered ranking loss or be left unset.");
        Require(MaskProbability > 0 && MaskProbability < 1, $"MaskProbability must be in (0, 1) (got {MaskProbability}).");
        Require(Epochs > 0, $"Epochs must be positive (got {Epochs}).");
        Require(Patience > 0, $"Patience must be positive (got {Patience}).");
        Require(BatchSize > 0, $"BatchSize must be positive (got {BatchSize}).");
        Require(LearningRate > 0, $"LearningRate must be positive (got {LearningRate}).");
        Require(WeightDecay >= 0, $"WeightDecay must not be negative (got {WeightDecay}).");
        Require(GradientClipNorm >= 0, $"GradientClipNorm must be 0 (off) or positive (got {GradientClipNorm}).");
        Require(MaxLength >= 2, $"MaxLength must be at least 2 (got {MaxLength}).");
        Require(EvaluationBatchSize > 0, $"EvaluationBatchSize must be positive (got {EvaluationBatchSize}).");
        Require(SemanticEmbeddingsPath is null || !string.IsNullOrWhiteSpace(SemanticEmbeddingsPath), "SemanticEmbeddingsPath must name a file or be left unset.");
        Require(RawSemanticEmbeddingsPath is null || !string.IsNullOrWhiteSpace(RawSemanticEmbeddingsPath), "RawSemanticEmbeddingsPath must name a file or be left unset.");
        Require(SaidEmbeddingsPath is null || !string.IsNullOrWhiteSpace(SaidEmbeddingsPath), "SaidEmbeddingsPath must name a file or be left unset.");
        Require(ScftEmbeddingsPath is null || !string.IsNullOrWhiteSpace(ScftEmbeddingsPath), "ScftEmbeddingsPath must name a file or be left unset.");
        Require(TeacherRunDirectory is null || !string.IsNullOrWhiteSpace(TeacherRunDirectory), "TeacherRunDirectory must name a run directory or be left unset.");
        Require(UserEmbeddingsPath is null || !string.IsNullOrWhiteSpace(UserEmbeddingsPath), "UserEmbeddingsPath must name a file or be left unset.");
        Require(LongTail is not null, "LongTail must be set (e.g. new LongTailOptions() for the Pareto groups).");
        LongTail!.Validate();
        Require(TorchDevice.IsValid(Device), $"Device '{Device}' is not a device: use 'cpu', 'cuda' or 'cuda:N'.");
        Require(HiddenSize is null or > 0, $"HiddenSize must be positive or left unset (got {HiddenSize}).");
        Require(Heads is null or > 0, $"Heads must be positive or left unset (got {Heads}).");
        Require(HiddenSize is null || Heads is null || HiddenSize % Heads == 0, $"Heads must divide HiddenSize {HiddenSize} (got {Heads}).");
        Require(Layers > 0, $"Layers must be positive (got {Layers}).");
        Require(Dropout >= 0 && Dropout < 1, $"Dropout must be in [0, 1) (got {Dropout}).");
        try
        {
            _ = Evaluation.EvaluationProtocol.Parse(EvaluationProtocol);
        }
        catch (FormatException e)
        {
            throw new ArgumentException(e.Message, e);
        }
    }
}
