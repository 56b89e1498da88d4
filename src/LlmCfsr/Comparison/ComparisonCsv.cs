using System.Globalization;
using System.Text;

namespace LlmCfsr.Comparison;

/// <summary>
/// Writes a <see cref="ComparisonTable"/> as CSV (RFC 4180, invariant culture, full precision): the table with one
/// row per model (<c>model,runs,succeeded,epochs,converged,COLUMN mean,COLUMN std,...,best_in,errors</c>; epochs per
/// succeeded seed joined by ';', converged = number of succeeded runs that converged) and the t-tests
/// (<c>column,best,runner_up,mean_difference,t,df,p,pairs,note</c>). Missing values are empty fields.
/// </summary>
public static class ComparisonCsv
{
    /// <summary>The table as CSV.</summary>
    public static string WriteTable(ComparisonTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var text = new StringBuilder();
        var header = new List<string> { "model", "runs", "succeeded", "epochs", "converged" };
        foreach (var column in table.Columns)
        {
            header.Add($"{column.Label} mean");
            header.Add($"{column.Label} std");
        }
        header.Add("best_in");
        header.Add("errors");
        AppendRow(text, header);
        for (int r = 0; r < table.Rows.Count; r++)
        {
            var row = table.Rows[r];
            var fields = new List<string>
            {
                row.Model,
                row.Runs.ToString(CultureInfo.InvariantCulture),
                row.SucceededSeeds.Count.ToString(CultureInfo.InvariantCulture),
                string.Join(';', row.EpochsRun.Select(e => e?.ToString(CultureInfo.InvariantCulture) ?? "")),
                (row.SucceededSeeds.Count - row.UnconvergedSeeds.Count).ToString(CultureInfo.InvariantCulture),
            };
            foreach (var cell in row.Cells)
            {
                fields.Add(Number(cell?.Mean));
                fields.Add(Number(cell?.StandardDeviation));
            }
            fields.Add(string.Join(';', Enumerable.Range(0, table.Columns.Count).Where(c => table.IsBest(r, c)).Select(c => table.Columns[c].Label)));
            fields.Add(string.Join(';', row.Failures.Select(f => $"seed {f.Seed}: {f.Error}")));
            AppendRow(text, fields);
        }
        return text.ToString();
    }

    /// <summary>The t-tests as CSV.</summary>
    public static string WriteSignificance(ComparisonTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var text = new StringBuilder();
        AppendRow(text, ["column", "best", "runner_up", "mean_difference", "t", "df", "p", "pairs", "note"]);
        foreach (var test in table.Significance)
        {
            var t = test.Test;
            AppendRow(text,
            [
                test.Column.Label, test.Best ?? "", test.RunnerUp ?? "",
                Number(t?.MeanDifference), Number(t?.T), t?.DegreesOfFreedom.ToString(CultureInfo.InvariantCulture) ?? "",
                Number(t?.PValue), t?.Pairs.ToString(CultureInfo.InvariantCulture) ?? "", test.Note ?? "",
            ]);
        }
        return text.ToString();
    }

    private static string Number(double? value) => value is null || double.IsNaN(value.Value) ? "" : value.Value.ToString("R", CultureInfo.InvariantCulture);

    private static void AppendRow(StringBuilder text, IEnumerable<string> fields)
    {
        text.Append(string.Join(',', fields.Select(Quote))).Append("\r\n");
    }

    private static string Quote(string field) => field.IndexOfAny([',', '"', '\r', '\n']) >= 0
        ? "\"" + field.Replace("\"", "\"\"", StringComparison.Ordinal) + "\""
        : field;
}
