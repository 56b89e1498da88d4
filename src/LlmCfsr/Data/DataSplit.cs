namespace LlmCfsr.Data;

/// <summary>The leave-one-out splits.</summary>
public enum DataSplit
{
    /// <summary>All items but the last two of each user.</summary>
    Training,

    /// <summary>The second-last item of each user, predicted from the items before it.</summary>
    Validation,

    /// <summary>The last item of each user, predicted from every item before it.</summary>
    Test,
}
