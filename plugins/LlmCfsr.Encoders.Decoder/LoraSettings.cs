namespace LlmCfsr.Encoders.Decoder;

/// <summary>Low-rank adaptation settings (the fields of PEFT's <c>LoraConfig</c> that LlmCfsr uses).</summary>
public sealed class LoraSettings
{
    /// <summary>The projections LoRA adapts by default: every attention and MLP projection.</summary>
    public static IReadOnlyList<string> DefaultTargetModules { get; } =
        new[] { "q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj" };

    /// <summary>Rank r of the update B·A.</summary>
    public int Rank { get; init; } = 8;

    /// <summary>Scale numerator: the update is multiplied by alpha / r.</summary>
    public double Alpha { get; init; } = 16;

    /// <summary>Dropout on the LoRA input during training.</summary>
    public double Dropout { get; init; } = 0.05;

    /// <summary>Projection names to adapt; short forms (q, k, v, o, gate, up, down) are accepted.</summary>
    public IReadOnlyList<string> TargetModules { get; init; } = DefaultTargetModules;

    /// <summary>The update's scale alpha / r.</summary>
    public double Scaling => Alpha / Rank;

    /// <summary>Target names in Hugging Face form (<c>q</c> becomes <c>q_proj</c>), validated against the decoder projections.</summary>
    public IReadOnlyList<string> ResolvedTargetModules() => ResolvedTargetModules(DefaultTargetModules);

    /// <summary>
    /// Target names validated against <paramref name="knownModules"/>, the projection names a model offers; a short
    /// form <c>q</c> stands for <c>q_proj</c> when only the latter is known.
    /// </summary>
    public IReadOnlyList<string> ResolvedTargetModules(IReadOnlyList<string> knownModules)
    {
        ArgumentNullException.ThrowIfNull(knownModules);
        if (Rank <= 0)
        {
            throw new ArgumentException($"LoRA rank must be positive (got {Rank}).");
        }
        if (Dropout < 0 || Dropout >= 1)
        {
            throw new ArgumentException($"LoRA dropout must be in [0, 1) (got {Dropout}).");
        }
        var resolved = new List<string>();
        foreach (var name in TargetModules)
        {
            var full = knownModules.Contains(name) ? name : name + "_proj";
            if (!knownModules.Contains(full))
            {
                throw new ArgumentException($"Unknown LoRA target module '{name}'; this model has {string.Join(", ", knownModules)}.");
            }
            if (!resolved.Contains(full))
            {
                resolved.Add(full);
            }
        }
        if (resolved.Count == 0)
        {
            throw new ArgumentException("LoRA needs at least one target module.");
        }
        return resolved;
    }
}
