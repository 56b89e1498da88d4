using System.Globalization;
using System.Text;
using System.Text.Json;
using LlmCfsr.Data;

namespace LlmCfsr.Evaluation;

/// <summary>
/// The result of ranking every user's held-out item: the pessimistic rank per user, the group means
/// (<see cref="Groups"/>), per-user metric vectors for paired tests (<see cref="PerUser(string, string)"/>),
/// <c>metrics.json</c> (<see cref="WriteJson"/>) and a Markdown table (<see cref="ToMarkdown"/>).
/// </summary>
public sealed class EvaluationReport
{
    private readonly int[] _users;
    private readonly long[] _ranks;
    private readonly bool[] _tailItemTarget;
    private readonly bool[] _tailUser;

    /// <summary>Creates a report from per-user ranks; the arrays are aligned (entry j describes user <paramref name="users"/>[j]).</summary>
    /// <param name="protocol">Protocol the ranks were computed under.</param>
    /// <param name="split">Split whose targets were ranked.</param>
    /// <param name="ks">Cut-offs of HR@K and NDCG@K.</param>
    /// <param name="users">Dense user ids, ascending.</param>
    /// <param name="ranks">Pessimistic rank of each user's target (0 = first).</param>
    /// <param name="tailItemTarget">Whether each user's target is a tail item.</param>
    /// <param name="tailUser">Whether each user is a tail user.</param>
    /// <param name="datasetFingerprint">Fingerprint of the evaluated dataset (<see cref="PreparedDataset.Fingerprint"/>).</param>
    /// <param name="longTail">The long-tail settings the tail flags come from; default <see cref="LongTailOptions"/>' defaults.</param>
    public EvaluationReport(
        EvaluationProtocol protocol,
        DataSplit split,
        IReadOnlyList<int> ks,
        int[] users,
        long[] ranks,
        bool[] tailItemTarget,
        bool[] tailUser,
        string datasetFingerprint,
        LongTailOptions? longTail = null)
    {
        ArgumentNullException.ThrowIfNull(protocol);
        ArgumentNullException.ThrowIfNull(ks);
        ArgumentNullException.ThrowIfNull(users);
        ArgumentNullException.ThrowIfNull(ranks);
        ArgumentNullException.ThrowIfNull(tailItemTarget);
        ArgumentNullException.ThrowIfNull(tailUser);
        ArgumentNullException.ThrowIfNull(datasetFingerprint);
        if (ranks.Length != users.Length || tailItemTarget.Length != users.Length || tailUser.Length != users.Length)
        {
            throw new ArgumentException("users, ranks, tailItemTarget and tailUser must have the same length.");
        }
        Protocol = protocol;
        Split = split;
        Ks = ks.ToArray();
        MetricNames = RankingMetrics.Names(Ks);
        DatasetFingerprint = datasetFingerprint;
        LongTail = longTail ?? new LongTailOptions();
        _users = users;
        _ranks = ranks;
        _tailItemTarget = tailItemTarget;
        _tailUser = tailUser;

        // Each metric is computed once per user, then averaged per group.
        var perUser = MetricNames.ToDictionary(metric => metric, metric => Array.ConvertAll(_ranks, rank => RankingMetrics.Value(metric, rank)), StringComparer.Ordinal);
        var groups = new Dictionary<string, EvaluationGroupResult>(StringComparer.Ordinal);
        foreach (string group in EvaluationGroupNames.All)
        {
            var members = Members(group);
            int count = members.Count(m => m);
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (string metric in MetricNames)
            {
                var values = perUser[metric];
                double sum = 0;
                for (int j = 0; j < values.Length; j++)
                {
                    sum += members[j] ? values[j] : 0;
                }
                metrics[metric] = count == 0 ? double.NaN : sum / count;
            }
            groups[group] = new EvaluationGroupResult(group, count, metrics);
        }
        Groups = groups;
    }

    /// <summary>Protocol the ranks were computed under.</summary>
    public EvaluationProtocol Protocol { get; }

    /// <summary>Split whose targets were ranked.</summary>
    public DataSplit Split { get; }

    /// <summary>Cut-offs of HR@K and NDCG@K.</summary>
    public IReadOnlyList<int> Ks { get; }

    /// <summary>Metric names in report order ("HR@5", "NDCG@5", ..., "MRR").</summary>
    public IReadOnlyList<string> MetricNames { get; }

    /// <summary>Fingerprint of the evaluated dataset.</summary>
    public string DatasetFingerprint { get; }

    /// <summary>The long-tail settings of the tail/head groups.</summary>
    public LongTailOptions LongTail { get; }

    /// <summary>Evaluated dense user ids, ascending; per-user vectors are aligned with it.</summary>
    public IReadOnlyList<int> Users => _users;

    /// <summary>Pessimistic rank of each user's target (0 = ranked first), aligned with <see cref="Users"/>.</summary>
    public IReadOnlyList<long> Ranks => _ranks;

    /// <summary>Group results keyed by group name (<see cref="EvaluationGroupNames"/>), e.g. <c>Groups["overall"]["NDCG@10"]</c>.</summary>
    public IReadOnlyDictionary<string, EvaluationGroupResult> Groups { get; }

    /// <summary>Metric <paramref name="metric"/> of every member of <paramref name="group"/>, in <see cref="Users"/> order.</summary>
    public double[] PerUser(string metric, string group = EvaluationGroupNames.Overall)
    {
        var members = Members(group);
        var values = new List<double>(_ranks.Length);
        for (int j = 0; j < _ranks.Length; j++)
        {
            if (members[j])
            {
                values.Add(RankingMetrics.Value(metric, _ranks[j]));
            }
        }
        return values.ToArray();
    }

    /// <summary>The dense ids of the members of <paramref name="group"/>, ascending.</summary>
    public int[] UsersOf(string group)
    {
        var members = Members(group);
        return _users.Where((_, j) => members[j]).ToArray();
    }

    /// <summary>Writes <c>metrics.json</c>: {"protocol", "split", "dataset", "long_tail", "long_tail_rule", "groups": {group: {"users", metric: value}}}; empty groups have null metrics.</summary>
    public void WriteJson(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        File.WriteAllText(path, ToJson(), new UTF8Encoding(false));
    }

    /// <summary>The <c>metrics.json</c> text (see <see cref="WriteJson"/>).</summary>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("protocol", Protocol.ToString());
            json.WriteString("split", SplitName(Split));
            json.WriteString("dataset", DatasetFingerprint);
            json.WriteString("long_tail", LongTail.ToString());
            json.WriteString("long_tail_rule", LongTail.Describe());
            json.WriteStartObject("groups");
            foreach (string group in EvaluationGroupNames.All)
            {
                var result = Groups[group];
                json.WriteStartObject(group);
                json.WriteNumber("users", result.Users);
                foreach (string metric in MetricNames)
                {
                    double value = result[metric];
                    if (double.IsNaN(value))
                    {
                        json.WriteNull(metric);
                    }
                    else
                    {
                        json.WriteNumber(metric, value);
                    }
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>A Markdown table: one row per group, columns users and every metric (4 decimals; "–" for an empty group).</summary>
    public string ToMarkdown()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Protocol `{Protocol}`, split `{SplitName(Split)}`, pessimistic ties. Long-tail groups `{LongTail}`: {LongTail.Describe()}.\n\n");
        text.Append("| group | users | ").Append(string.Join(" | ", MetricNames)).Append(" |\n");
        text.Append("| --- | ---: |").Append(string.Concat(Enumerable.Repeat(" ---: |", MetricNames.Count))).Append('\n');
        foreach (string group in EvaluationGroupNames.All)
        {
            var result = Groups[group];
            text.Append(CultureInfo.InvariantCulture, $"| {group} | {result.Users} |");
            foreach (string metric in MetricNames)
            {
                double value = result[metric];
                text.Append(' ').Append(double.IsNaN(value) ? "–" : value.ToString("F4", CultureInfo.InvariantCulture)).Append(" |");
            }
            text.Append('\n');
        }
        return text.ToString();
    }

    internal static string SplitName(DataSplit split) => split switch
    {
        DataSplit.Training => "training",
        DataSplit.Validation => "validation",
        _ => "test",
    };

    private bool[] Members(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var members = new bool[_users.Length];
        for (int j = 0; j < members.Length; j++)
        {
            members[j] = group switch
            {
                EvaluationGroupNames.Overall => true,
                EvaluationGroupNames.TailItem => _tailItemTarget[j],
                EvaluationGroupNames.HeadItem => !_tailItemTarget[j],
                EvaluationGroupNames.TailUser => _tailUser[j],
                EvaluationGroupNames.HeadUser => !_tailUser[j],
                _ => throw new ArgumentException($"Unknown group '{group}'; expected one of {string.Join(", ", EvaluationGroupNames.All)}.", nameof(group)),
            };
        }
        return members;
    }
}
