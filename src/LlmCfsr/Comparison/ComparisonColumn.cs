using LlmCfsr.Evaluation;

namespace LlmCfsr.Comparison;

/// <summary>One column of a comparison table: a metric over a user group.</summary>
/// <param name="Group">Group name (<see cref="EvaluationGroupNames"/>).</param>
/// <param name="Metric">Metric name ("HR@10", "NDCG@10").</param>
public sealed record ComparisonColumn(string Group, string Metric)
{
    /// <summary>The paper's columns: Overall, Tail Item, Head Item, Tail User, Head User, each with HR@10 and NDCG@10.</summary>
    public static IReadOnlyList<ComparisonColumn> PaperColumns { get; } =
        EvaluationGroupNames.All.SelectMany(group => new[] { new ComparisonColumn(group, "HR@10"), new ComparisonColumn(group, "NDCG@10") }).ToArray();

    /// <summary>The group as the paper writes it ("Tail Item").</summary>
    public string GroupLabel => Group switch
    {
        EvaluationGroupNames.Overall => "Overall",
        EvaluationGroupNames.TailItem => "Tail Item",
        EvaluationGroupNames.HeadItem => "Head Item",
        EvaluationGroupNames.TailUser => "Tail User",
        EvaluationGroupNames.HeadUser => "Head User",
        _ => Group,
    };

    /// <summary>"Tail Item NDCG@10".</summary>
    public string Label => $"{GroupLabel} {Metric}";
}
