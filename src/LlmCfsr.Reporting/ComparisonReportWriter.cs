using LlmCfsr.Comparison;

namespace LlmCfsr.Reporting;

/// <summary>
/// Writes the report of a comparison into its report directory: <c>comparison.md</c> (every protocol's table and
/// t-tests, then the charts), per protocol <c>table-PROTOCOL.csv</c>, <c>significance-PROTOCOL.csv</c> and
/// <c>ndcg-by-popularity-PROTOCOL.png</c>, and per model <c>training-MODEL.png</c>.
/// </summary>
public static class ComparisonReportWriter
{
    /// <summary>Writes the report; returns the written files.</summary>
    public static IReadOnlyList<string> Write(ComparisonResult result, string directory, int popularityBuckets = 5)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        var charts = new List<(string Title, string File)>();
        foreach (string protocol in result.Protocols)
        {
            string suffix = protocol.Replace(':', '-');
            var table = result.Table(protocol);
            written.Add(WriteText(directory, $"table-{suffix}.csv", ComparisonCsv.WriteTable(table)));
            written.Add(WriteText(directory, $"significance-{suffix}.csv", ComparisonCsv.WriteSignificance(table)));
            var breakdown = PopularityBreakdown.Compute(result, protocol, buckets: popularityBuckets);
            if (breakdown.Values.Count > 0)
            {
                string file = $"ndcg-by-popularity-{suffix}.png";
                ComparisonCharts.WritePopularityChart(breakdown, Path.Combine(directory, file));
                written.Add(Path.Combine(directory, file));
                charts.Add(($"NDCG@10 by target-item popularity ({protocol})", file));
            }
        }
        foreach (string model in result.Models)
        {
            if (result.Runs.Any(r => r.Model == model && r.Manifest is { History.Count: > 0 }))
            {
                string file = $"training-{model}.png";
                ComparisonCharts.WriteTrainingCurves(result, model, Path.Combine(directory, file));
                written.Add(Path.Combine(directory, file));
                charts.Add(($"Training curves of {model}", file));
            }
        }
        var markdown = ComparisonMarkdown.WriteReport(result);
        if (charts.Count > 0)
        {
            markdown += "## Charts\n\n" + string.Concat(charts.Select(c => $"![{c.Title}]({c.File})\n\n"));
        }
        written.Insert(0, WriteText(directory, "comparison.md", markdown));
        return written;
    }

    private static string WriteText(string directory, string name, string text)
    {
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, text);
        return path;
    }
}
