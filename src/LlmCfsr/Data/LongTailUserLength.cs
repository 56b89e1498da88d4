namespace LlmCfsr.Data;

/// <summary>Which interactions make a user's length for the user groups.</summary>
public enum LongTailUserLength
{
    /// <summary>The whole prepared sequence, validation and test items included.</summary>
    Sequence,

    /// <summary>
    /// The history before the test item (sequence length - 1), as LLM-ESR counts it: its groups use the number of
    /// non-padding items of the test input.
    /// </summary>
    TestHistory,
}
