namespace LlmCfsr.Comparison;

/// <summary>What <see cref="ComparisonRunner"/> does when the report directory already holds runs.</summary>
public enum ComparisonRunMode
{
    /// <summary>Refuse a report directory that already holds runs.</summary>
    New,

    /// <summary>
    /// Keep every completed run whose recorded options equal the requested ones (re-evaluating its best weights,
    /// no retraining), continue interrupted runs from their last checkpoint, and retrain runs with other options.
    /// </summary>
    Resume,
}
