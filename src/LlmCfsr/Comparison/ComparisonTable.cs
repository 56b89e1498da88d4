using LlmCfsr.Evaluation;

namespace LlmCfsr.Comparison;

/// <summary>
/// The paper-style table of one protocol: one row per model, one column per group and metric, each cell the mean
/// and sample standard deviation over the model's successful seeds; per column the best and runner-up models
/// (highest means; ties keep model order) and the paired t-test of the best against the runner-up over per-user
/// values pooled over the seeds both completed (users aligned within each seed). Rows record the epochs each run
/// trained and which runs did not converge (stopped by the epoch cap, not by patience).
/// </summary>
public sealed class ComparisonTable
{
    private ComparisonTable(string protocol, IReadOnlyList<ComparisonColumn> columns, IReadOnlyList<ComparisonTableRow> rows, IReadOnlyList<ComparisonSignificance> significance, string? longTail)
    {
        Protocol = protocol;
        LongTail = longTail;
        Columns = columns;
        Rows = rows;
        Significance = significance;
    }

    /// <summary>The protocol the values were computed under.</summary>
    public string Protocol { get; }

    /// <summary>The long-tail groups of the tail/head columns (text form and description), from the runs' reports; null without reports.</summary>
    public string? LongTail { get; }

    /// <summary>The columns.</summary>
    public IReadOnlyList<ComparisonColumn> Columns { get; }

    /// <summary>One row per model, in model order.</summary>
    public IReadOnlyList<ComparisonTableRow> Rows { get; }

    /// <summary>Best, runner-up and t-test per column, aligned with <see cref="Columns"/>.</summary>
    public IReadOnlyList<ComparisonSignificance> Significance { get; }

    /// <summary>Whether <paramref name="row"/>'s value in column <paramref name="column"/> is the column's best (bold); ties are all best.</summary>
    public bool IsBest(int row, int column)
    {
        var cell = Rows[row].Cells[column];
        string? best = Significance[column].Best;
        if (cell is null || best is null || double.IsNaN(cell.Mean))
        {
            return false;
        }
        var bestCell = Rows.First(r => r.Model == best).Cells[column]!;
        return cell.Mean == bestCell.Mean;
    }

    /// <summary>Builds the table of <paramref name="protocol"/> from <paramref name="runs"/> (every model of <paramref name="models"/> gets a row, failed or not).</summary>
    public static ComparisonTable Build(IReadOnlyList<string> models, IReadOnlyList<ComparisonRun> runs, string protocol, IReadOnlyList<ComparisonColumn>? columns = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(protocol);
        string key = EvaluationProtocol.Parse(protocol).ToString();
        columns ??= ComparisonColumn.PaperColumns;

        var succeeded = new Dictionary<string, List<ComparisonRun>>(StringComparer.Ordinal);
        var rows = new List<ComparisonTableRow>(models.Count);
        foreach (string model in models)
        {
            var ofModel = runs.Where(r => r.Model == model).ToList();
            var good = ofModel.Where(r => r.Succeeded).ToList();
            foreach (var run in good)
            {
                if (!run.Reports.ContainsKey(key))
                {
                    throw new ArgumentException($"The run of {model} with seed {run.Seed} has no report under protocol '{key}'.");
                }
            }
            succeeded[model] = good;
            var cells = columns.Select(column => good.Count == 0
                ? null
                : ComparisonCell.Of(good.Select(r => r.Reports[key].Groups[column.Group][column.Metric]).ToArray())).ToArray();
            rows.Add(new ComparisonTableRow
            {
                Model = model,
                SucceededSeeds = good.Select(r => r.Seed).ToArray(),
                EpochsRun = good.Select(r => r.Manifest?.History.Count).ToArray(),
                UnconvergedSeeds = good.Where(r => r.Manifest is { Converged: false }).Select(r => r.Seed).ToArray(),
                Failures = ofModel.Where(r => !r.Succeeded).Select(r => new ComparisonRunFailure(r.Seed, r.Error!)).ToArray(),
                Cells = cells,
            });
        }

        var significance = new List<ComparisonSignificance>(columns.Count);
        for (int c = 0; c < columns.Count; c++)
        {
            var ranked = rows
                .Select((row, order) => (row.Model, Cell: row.Cells[c], order))
                .Where(x => x.Cell is not null && !double.IsNaN(x.Cell.Mean))
                .OrderByDescending(x => x.Cell!.Mean)
                .ThenBy(x => x.order)
                .ToList();
            string? best = ranked.Count > 0 ? ranked[0].Model : null;
            string? runnerUp = ranked.Count > 1 ? ranked[1].Model : null;
            significance.Add(best is null || runnerUp is null
                ? new ComparisonSignificance(columns[c], best, runnerUp, null, "fewer than two models have values")
                : Test(columns[c], best, runnerUp, succeeded[best], succeeded[runnerUp], key));
        }
        var longTail = runs.Where(r => r.Succeeded && r.Reports.ContainsKey(key)).Select(r => r.Reports[key].LongTail).Distinct().ToList();
        if (longTail.Count > 1)
        {
            throw new ArgumentException($"The runs used different long-tail groups ({string.Join("; ", longTail)}); their tail/head columns cannot share a table.");
        }
        string? longTailText = longTail.Count == 0 ? null : $"`{longTail[0]}`: {longTail[0].Describe()}";
        return new ComparisonTable(key, columns, rows, significance, longTailText);
    }

    private static ComparisonSignificance Test(ComparisonColumn column, string best, string runnerUp, List<ComparisonRun> bestRuns, List<ComparisonRun> runnerUpRuns, string protocol)
    {
        var a = new List<double>();
        var b = new List<double>();
        foreach (var run in bestRuns)
        {
            var other = runnerUpRuns.FirstOrDefault(r => r.Seed == run.Seed);
            if (other is null)
            {
                continue;
            }
            var reportA = run.Reports[protocol];
            var reportB = other.Reports[protocol];
            if (reportA.DatasetFingerprint != reportB.DatasetFingerprint || !reportA.Users.SequenceEqual(reportB.Users))
            {
                return new ComparisonSignificance(column, best, runnerUp, null, $"seed {run.Seed}: the two runs did not evaluate the same dataset and users");
            }
            a.AddRange(reportA.PerUser(column.Metric, column.Group));
            b.AddRange(reportB.PerUser(column.Metric, column.Group));
        }
        if (a.Count < 2)
        {
            return new ComparisonSignificance(column, best, runnerUp, null, "fewer than two paired users (no seed completed by both)");
        }
        return new ComparisonSignificance(column, best, runnerUp, PairedTTest.Compute(a, b), null);
    }
}
