namespace LlmCfsr.Evaluation;

/// <summary>Names of the user groups every <see cref="EvaluationReport"/> reports, in report order.</summary>
public static class EvaluationGroupNames
{
    /// <summary>Every evaluated user.</summary>
    public const string Overall = "overall";

    /// <summary>Users whose held-out item is a tail item.</summary>
    public const string TailItem = "tail_item";

    /// <summary>Users whose held-out item is a head item.</summary>
    public const string HeadItem = "head_item";

    /// <summary>Tail users (short sequences).</summary>
    public const string TailUser = "tail_user";

    /// <summary>Head users (long sequences).</summary>
    public const string HeadUser = "head_user";

    /// <summary>All group names in report order.</summary>
    public static IReadOnlyList<string> All { get; } = [Overall, TailItem, HeadItem, TailUser, HeadUser];
}
