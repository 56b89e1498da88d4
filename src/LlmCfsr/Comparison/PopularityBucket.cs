namespace LlmCfsr.Comparison;

/// <summary>A range of target-item popularity (distinct users per item, both bounds included) and the test users whose target falls in it.</summary>
/// <param name="MinPopularity">Lowest popularity in the bucket.</param>
/// <param name="MaxPopularity">Highest popularity in the bucket.</param>
/// <param name="Users">Number of test users whose target item is in the bucket.</param>
public sealed record PopularityBucket(int MinPopularity, int MaxPopularity, int Users)
{
    /// <summary>"5–7" or "12".</summary>
    public string Label => MinPopularity == MaxPopularity ? $"{MinPopularity}" : $"{MinPopularity}–{MaxPopularity}";
}
