namespace LlmCfsr.Data;

/// <summary>How users are split into head and tail by sequence length.</summary>
public enum LongTailUserRule
{
    /// <summary>The shortest <see cref="LongTailOptions.TailUserShare"/> of users are tail (ties at the cut go to head).</summary>
    BottomShare,

    /// <summary>Absolute threshold (LLM-ESR style): users whose sequence is shorter than <see cref="LongTailOptions.UserLengthThreshold"/> are tail.</summary>
    Threshold,
}
