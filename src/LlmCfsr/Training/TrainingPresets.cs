using LlmCfsr.Data;

namespace LlmCfsr.Training;

/// <summary>
/// Named sets of <see cref="TrainingOptions"/> that reproduce a paper's published set-up; options given explicitly
/// override a preset's values. "llm-esr" follows the official LLM-ESR scripts (max length 200, 200 epochs, patience
/// 20, dropout 0.5, hidden 64, 2 blocks, 1 head, batch 128, Adam at 1e-3 without weight decay or gradient clipping, 100 uniform
/// negatives excluding the user's whole sequence, its default tail thresholds 20/10); "llm-esr-yelp",
/// "llm-esr-beauty" and "llm-esr-fashion" add that dataset's thresholds. See docs/evaluation.md for the
/// differences that remain.
/// </summary>
public static class TrainingPresets
{
    private static readonly TrainingOptions LlmEsrBase = new()
    {
        MaxLength = 200,
        Epochs = 200,
        Patience = 20,
        Dropout = 0.5,
        Layers = 2,
        BatchSize = 128,
        LearningRate = 1e-3,
        WeightDecay = 0,
        Optimizer = OptimizerKind.Adam,
        GradientClipNorm = 0,
        EvaluationProtocol = "sampled:100",
        LongTail = LongTailOptions.LlmEsr(20, 10),
    };

    private static readonly Dictionary<string, TrainingOptions> Presets = new(StringComparer.OrdinalIgnoreCase)
    {
        ["llm-esr"] = LlmEsrBase,
        ["llm-esr-yelp"] = LlmEsrBase with { LongTail = LongTailOptions.LlmEsr(13, 12) },
        ["llm-esr-beauty"] = LlmEsrBase with { LongTail = LongTailOptions.LlmEsr(4, 9) },
        ["llm-esr-fashion"] = LlmEsrBase with { LongTail = LongTailOptions.LlmEsr(4, 3) },
    };

    /// <summary>The preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Presets.Keys];

    /// <summary>The options of preset <paramref name="name"/> (case-insensitive); null gives the defaults.</summary>
    /// <exception cref="ArgumentException">Unknown preset.</exception>
    public static TrainingOptions Get(string? name) => name is null
        ? new TrainingOptions()
        : Presets.TryGetValue(name, out var preset)
            ? preset
            : throw new ArgumentException($"Unknown preset '{name}'; expected one of {string.Join(", ", Names)}.");
}
