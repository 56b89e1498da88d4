namespace LlmCfsr.Prompts;

/// <summary>How <see cref="AttributeViewGenerator"/> derives contrastive views of an item.</summary>
public sealed class AttributeViewOptions
{
    /// <summary>Probability r that each attribute is dropped from a view, in [0, 1). LLM-CFSR uses 0.2.</summary>
    public double DropProbability { get; init; } = 0.2;

    /// <summary>Views K per item, at least 1. LLM-CFSR uses 2.</summary>
    public int ViewCount { get; init; } = 2;

    /// <summary>Shuffle the kept attributes' order (LLMEmb's attribute shuffle); off for LLM-CFSR.</summary>
    public bool Shuffle { get; init; }

    /// <summary>Throws with a clear message when a setting is out of range.</summary>
    public void Validate()
    {
        if (double.IsNaN(DropProbability) || DropProbability < 0 || DropProbability >= 1)
        {
            throw new ArgumentOutOfRangeException(nameof(DropProbability), DropProbability, "The attribute drop probability must be in [0, 1).");
        }
        if (ViewCount < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(ViewCount), ViewCount, "At least one view per item is needed.");
        }
    }
}
