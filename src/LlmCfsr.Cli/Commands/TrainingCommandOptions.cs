using System.CommandLine;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Models;
using LlmCfsr.Training;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// The training options <c>train</c> and <c>compare</c> share, one <see cref="Option"/> each, read into
/// <see cref="TrainingOptions"/> over the <c>--preset</c> (explicit options override it). <c>--backbone</c> picks the
/// backbone of the LLM-enhanced models (their <see cref="BackboneModelOptions.Backbone"/>).
/// </summary>
internal sealed class TrainingCommandOptions
{
    private static readonly TrainingOptions Defaults = new();

    public Option<string?> Backbone { get; } = new("--backbone") { Description = "Backbone: sasrec, gru4rec or bert4rec. With an LLM-enhanced model it is that model's backbone (default sasrec); train --backbone alone names the id-only model." };

    public Option<string?> Embeddings { get; } = new("--embeddings") { Description = "Item embeddings of a CFT-fine-tuned encoder (llmcfsr finetune, then llmcfsr embed --adapter) for llm-cfsr and its ablations." };

    public Option<string?> RawEmbeddings { get; } = new("--raw-embeddings") { Description = "Raw LLM item embeddings (llmcfsr embed without --adapter) for llm2x, llminit, llm-esr and llm-cfsr-no-cft; required by them (never replaced by --embeddings)." };

    public Option<string?> SaidEmbeddings { get; } = new("--said-embeddings") { Description = "SAID's stage-1 item embeddings (llmcfsr finetune --objective said: OUT/item_embeddings.safetensors) for said." };

    public Option<string?> ScftEmbeddings { get; } = new("--scft-embeddings") { Description = "Item embeddings of an SCFT-fine-tuned encoder (llmcfsr finetune --objective scft, then llmcfsr embed --adapter) for llmemb." };

    public Option<string?> UserEmbeddings { get; } = new("--user-embeddings") { Description = "User embeddings of the training histories for llm-esr (llmcfsr embed --users)." };

    public Option<string?> Loss { get; } = new("--loss") { Description = "Ranking loss: bce, bpr, ce or sampled-softmax (default: the model's own, else bce for causal backbones, ce for bert4rec)." };

    public Option<string?> Objective { get; } = new("--objective") { Description = "all (every position, causal), last (last position, causal) or masked (bidirectional); default follows the backbone." };

    public Option<double> MaskProbability { get; } = new("--mask-prob") { Description = "Mask probability of masked-item training.", DefaultValueFactory = _ => Defaults.MaskProbability };

    public Option<int> Epochs { get; } = new("--epochs") { Description = "Maximum epochs.", DefaultValueFactory = _ => Defaults.Epochs };

    public Option<int> Patience { get; } = new("--patience") { Description = "Epochs without a better validation NDCG@10 before stopping.", DefaultValueFactory = _ => Defaults.Patience };

    public Option<int> BatchSize { get; } = new("--batch-size") { Description = "Training sequences per step.", DefaultValueFactory = _ => Defaults.BatchSize };

    public Option<double> LearningRate { get; } = new("--lr") { Description = "Learning rate.", DefaultValueFactory = _ => Defaults.LearningRate };

    public Option<double> WeightDecay { get; } = new("--weight-decay") { Description = "Weight decay.", DefaultValueFactory = _ => Defaults.WeightDecay };

    public Option<OptimizerKind> Optimizer { get; } = new("--optimizer") { Description = "Adam or AdamW.", DefaultValueFactory = _ => Defaults.Optimizer };

    public Option<double> Clip { get; } = new("--clip") { Description = "Maximum gradient norm (0 = off).", DefaultValueFactory = _ => Defaults.GradientClipNorm };

    public Option<int> MaxLength { get; } = new("--max-len") { Description = "Longest window of newest items.", DefaultValueFactory = _ => Defaults.MaxLength };

    public Option<int?> Hidden { get; } = new("--hidden") { Description = "Hidden size (default: the model's, 64)." };

    public Option<int> Layers { get; } = new("--layers") { Description = "Blocks or recurrent layers.", DefaultValueFactory = _ => Defaults.Layers };

    public Option<int?> Heads { get; } = new("--heads") { Description = "Attention heads of the backbone (default: the model's: 1 for the id-only models, 4 for llm-cfsr and its ablations as in the paper)." };

    public Option<double> Dropout { get; } = new("--dropout") { Description = "Dropout probability.", DefaultValueFactory = _ => Defaults.Dropout };

    public Option<string> Device { get; } = new("--device") { Description = "cpu, cuda or cuda:N.", DefaultValueFactory = _ => Defaults.Device };

    public Option<string?> Preset { get; } = EvaluationCommandOptions.Preset();

    public Option<string?> LongTail { get; } = EvaluationCommandOptions.LongTail();

    public Option<long?> EvaluationSeed { get; } = EvaluationCommandOptions.EvaluationSeed();

    public Option<string[]> Settings { get; } = SettingOverrides.Create();

    /// <summary>Every shared option, in help order.</summary>
    public IReadOnlyList<Option> All =>
    [
        Backbone, Embeddings, RawEmbeddings, SaidEmbeddings, ScftEmbeddings, UserEmbeddings, Loss, Objective, MaskProbability, Epochs, Patience, BatchSize, LearningRate,
        WeightDecay, Optimizer, Clip, MaxLength, Hidden, Layers, Heads, Dropout, Device, Preset, LongTail, EvaluationSeed, Settings,
    ];

    /// <summary>The preset (default: <see cref="TrainingOptions"/>'s defaults) with every shared option given on the command line applied.</summary>
    public TrainingOptions Read(ParseResult parseResult)
    {
        var basis = TrainingPresets.Get(parseResult.GetValue(Preset));
        return basis with
        {
            SemanticEmbeddingsPath = FullPath(parseResult.GetValue(Embeddings)),
            RawSemanticEmbeddingsPath = FullPath(parseResult.GetValue(RawEmbeddings)),
            SaidEmbeddingsPath = FullPath(parseResult.GetValue(SaidEmbeddings)),
            ScftEmbeddingsPath = FullPath(parseResult.GetValue(ScftEmbeddings)),
            UserEmbeddingsPath = FullPath(parseResult.GetValue(UserEmbeddings)),
            Loss = parseResult.GetValue(Loss),
            Objective = ParseObjective(parseResult.GetValue(Objective)),
            MaskProbability = EvaluationCommandOptions.Pick(parseResult, MaskProbability, basis.MaskProbability),
            Epochs = EvaluationCommandOptions.Pick(parseResult, Epochs, basis.Epochs),
            Patience = EvaluationCommandOptions.Pick(parseResult, Patience, basis.Patience),
            BatchSize = EvaluationCommandOptions.Pick(parseResult, BatchSize, basis.BatchSize),
            LearningRate = EvaluationCommandOptions.Pick(parseResult, LearningRate, basis.LearningRate),
            WeightDecay = EvaluationCommandOptions.Pick(parseResult, WeightDecay, basis.WeightDecay),
            Optimizer = EvaluationCommandOptions.Pick(parseResult, Optimizer, basis.Optimizer),
            GradientClipNorm = EvaluationCommandOptions.Pick(parseResult, Clip, basis.GradientClipNorm),
            MaxLength = EvaluationCommandOptions.Pick(parseResult, MaxLength, basis.MaxLength),
            HiddenSize = parseResult.GetValue(Hidden) ?? basis.HiddenSize,
            Layers = EvaluationCommandOptions.Pick(parseResult, Layers, basis.Layers),
            Heads = parseResult.GetValue(Heads) ?? basis.Heads,
            Dropout = EvaluationCommandOptions.Pick(parseResult, Dropout, basis.Dropout),
            Device = EvaluationCommandOptions.Pick(parseResult, Device, basis.Device)!,
            EvaluationSeed = parseResult.GetValue(EvaluationSeed) ?? basis.EvaluationSeed,
            LongTail = EvaluationCommandOptions.LongTailOr(parseResult, LongTail, basis.LongTail),
        };
    }

    /// <summary>The <c>--set</c> entries as configuration keys and values (unchecked; <see cref="TrainCommandServices.Build"/> checks them).</summary>
    public IReadOnlyDictionary<string, string?> ReadSettings(ParseResult parseResult) => SettingOverrides.Parse(parseResult.GetValue(Settings));

    /// <summary>
    /// The options of the LLM-enhanced models among <paramref name="models"/> with the backbone <c>--backbone</c> names (empty
    /// without it): their registration's options with <see cref="BackboneModelOptions.Backbone"/> replaced. An id-only model keeps
    /// its own backbone, and naming another one for it alone is an error.
    /// </summary>
    public Dictionary<string, RecommenderModelOptions> ModelOptions(ParseResult parseResult, ComponentCatalog catalog, IReadOnlyList<string> models)
    {
        var chosen = new Dictionary<string, RecommenderModelOptions>(StringComparer.OrdinalIgnoreCase);
        if (parseResult.GetValue(Backbone) is not { } backbone)
        {
            return chosen;
        }
        foreach (var model in models)
        {
            if (catalog.RecommenderModel(model).Options is BackboneModelOptions options)
            {
                chosen[model] = options with { Backbone = backbone };
            }
        }
        if (chosen.Count == 0)
        {
            throw new ArgumentException($"--model {models[0]} is the id-only model on its own backbone; train --model {backbone} instead of passing --backbone {backbone}.");
        }
        return chosen;
    }

    private static string? FullPath(string? path) => path is null ? null : Path.GetFullPath(path);

    private static TrainingObjective ParseObjective(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "auto" => TrainingObjective.Auto,
        "all" => TrainingObjective.AllPositions,
        "last" => TrainingObjective.LastPosition,
        "masked" => TrainingObjective.Masked,
        _ => throw new ArgumentException($"--objective '{text}' is not one of all, last, masked."),
    };
}
