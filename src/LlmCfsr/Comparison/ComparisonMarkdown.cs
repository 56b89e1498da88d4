using System.Globalization;
using System.Text;

namespace LlmCfsr.Comparison;

/// <summary>
/// Writes a <see cref="ComparisonTable"/> as Markdown: the table (cells "mean ± std" with 4 decimals, the column's
/// best in bold, "–" for no value, "†" on every cell of a model with an unconverged run), the epochs each seed
/// trained, the long-tail groups, then the paired t-tests of the best against the runner-up, then the failed runs.
/// </summary>
public static class ComparisonMarkdown
{
    /// <summary>The Markdown of <paramref name="table"/>, starting with a level-<paramref name="headingLevel"/> heading naming the protocol.</summary>
    public static string Write(ComparisonTable table, int headingLevel = 2)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(headingLevel, 1);
        var text = new StringBuilder();
        text.Append('#', headingLevel).Append(CultureInfo.InvariantCulture, $" Protocol `{table.Protocol}`\n\n");
        text.Append("| Model | Runs | Epochs | ").Append(string.Join(" | ", table.Columns.Select(c => c.Label))).Append(" |\n");
        text.Append("| --- | ---: | ---: |").Append(string.Concat(Enumerable.Repeat(" ---: |", table.Columns.Count))).Append('\n');
        for (int r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            text.Append(CultureInfo.InvariantCulture, $"| {Escape(row.Model)} | {row.SucceededSeeds.Count}/{row.Runs} | {Epochs(row)} |");
            for (int c = 0; c < table.Columns.Count; c++)
            {
                string cell = Cell(row.Cells[c]);
                cell += row.Converged || cell == "–" ? "" : Unconverged;
                text.Append(' ').Append(table.IsBest(r, c) ? $"**{cell}**" : cell).Append(" |");
            }
            text.Append('\n');
        }
        text.Append("\nMean ± sample standard deviation over seeds; best per column in bold. Epochs: trained per seed");
        text.Append(table.Rows.All(r => r.Converged)
            ? "; every run converged (early stopping ended it).\n"
            : $"; {Unconverged} marks a run (and its model's cells) that did not converge: it reached the epoch cap before validation NDCG@10 stopped improving for the patience, so its numbers may still rise.\n");
        if (table.LongTail is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $"Long-tail groups {table.LongTail}.\n");
        }
        text.Append('\n');
        text.Append("Paired t-test of the best against the runner-up (per-user values, pooled over the seeds both completed):\n\n");
        text.Append("| Column | Best | Runner-up | Mean difference | t | p | Pairs |\n");
        text.Append("| --- | --- | --- | ---: | ---: | ---: | ---: |\n");
        foreach (var test in table.Significance)
        {
            text.Append(CultureInfo.InvariantCulture, $"| {test.Column.Label} | {Escape(test.Best ?? "–")} | {Escape(test.RunnerUp ?? "–")} |");
            if (test.Test is { } t)
            {
                text.Append(CultureInfo.InvariantCulture, $" {t.MeanDifference:F4} | {t.T:F3} | {FormatP(t.PValue)} | {t.Pairs} |\n");
            }
            else
            {
                text.Append(CultureInfo.InvariantCulture, $" – | – | – | {Escape(test.Note ?? "")} |\n");
            }
        }
        var failures = table.Rows.SelectMany(row => row.Failures.Select(f => (row.Model, f.Seed, f.Error))).ToList();
        if (failures.Count > 0)
        {
            text.Append("\nFailed runs:\n\n");
            foreach (var (model, seed, error) in failures)
            {
                text.Append(CultureInfo.InvariantCulture, $"- {model}, seed {seed}: {OneLine(error)}\n");
            }
        }
        return text.ToString();
    }

    /// <summary>
    /// The whole report of <paramref name="result"/>: a title, the dataset, models and seeds, then one section per
    /// protocol (<see cref="Write(ComparisonTable, int)"/>).
    /// </summary>
    public static string WriteReport(ComparisonResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var text = new StringBuilder();
        var dataset = result.Dataset;
        text.Append(CultureInfo.InvariantCulture, $"# Comparison on `{dataset.Name}`\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Dataset `{dataset.Name}` ({dataset.UserCount} users, {dataset.ItemCount} items, {dataset.InteractionCount} interactions; fingerprint `{dataset.Fingerprint}`), ");
        text.Append(CultureInfo.InvariantCulture, $"test split (leave-one-out), pessimistic ties. Models: {string.Join(", ", result.Models)}. ");
        text.Append(CultureInfo.InvariantCulture, $"Seeds: {string.Join(", ", result.Seeds)}. Early stopping on validation NDCG@10 under `{result.Protocols[0]}`");
        if (result.Runs.Select(r => r.Manifest?.Options).FirstOrDefault(o => o is not null) is { } training)
        {
            text.Append(CultureInfo.InvariantCulture, $"; every model had the same budget: at most {training.Epochs} epochs, patience {training.Patience}; evaluation seed {training.EvaluationSeed}");
        }
        text.Append(".\n\n");
        foreach (string protocol in result.Protocols)
        {
            text.Append(Write(result.Table(protocol))).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>The mark of a model with an unconverged run.</summary>
    internal const string Unconverged = "†";

    /// <summary>Epochs trained per succeeded seed ("12, 20†"), "?" where a run has no manifest, "–" without runs.</summary>
    internal static string Epochs(ComparisonTableRow row) => row.SucceededSeeds.Count == 0
        ? "–"
        : string.Join(", ", row.SucceededSeeds.Select((seed, i) =>
            (row.EpochsRun.ElementAtOrDefault(i)?.ToString(CultureInfo.InvariantCulture) ?? "?") + (row.UnconvergedSeeds.Contains(seed) ? Unconverged : "")));

    /// <summary>"0.1234 ± 0.0056", "0.1234" with one seed, "–" without a value.</summary>
    internal static string Cell(ComparisonCell? cell) => cell is null || double.IsNaN(cell.Mean)
        ? "–"
        : double.IsNaN(cell.StandardDeviation)
            ? cell.Mean.ToString("F4", CultureInfo.InvariantCulture)
            : string.Create(CultureInfo.InvariantCulture, $"{cell.Mean:F4} ± {cell.StandardDeviation:F4}");

    /// <summary>p with 3 significant digits, "&lt; 1e-300" below double precision.</summary>
    private static string FormatP(double p) => p == 0 ? "< 1e-300" : p.ToString("G3", CultureInfo.InvariantCulture);

    private static string Escape(string text) => OneLine(text).Replace("|", "\\|", StringComparison.Ordinal);

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");
}
