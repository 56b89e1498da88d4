using System.Globalization;
using LlmCfsr.Comparison;
using ScottPlot;

namespace LlmCfsr.Reporting;

/// <summary>
/// PNG charts of a comparison, rendered headless with ScottPlot: a metric by target-item popularity bucket
/// (grouped bars, one colour per model) and training curves (one line per run, one colour per model).
/// </summary>
public static class ComparisonCharts
{
    private const int Width = 1200;
    private const int Height = 700;

    /// <summary>Writes grouped bars of <paramref name="breakdown"/>: x = popularity bucket (with its users), y = the metric, one bar per model.</summary>
    public static void WritePopularityChart(PopularityBreakdown breakdown, string path)
    {
        ArgumentNullException.ThrowIfNull(breakdown);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var models = breakdown.Values.Keys.ToArray();
        double groupWidth = 0.8;
        double barWidth = groupWidth / Math.Max(1, models.Length);
        for (int m = 0; m < models.Length; m++)
        {
            var color = palette.GetColor(m);
            var values = breakdown.Values[models[m]];
            var bars = new List<Bar>();
            for (int b = 0; b < breakdown.Buckets.Count; b++)
            {
                if (double.IsNaN(values[b]))
                {
                    continue;
                }
                bars.Add(new Bar
                {
                    Position = b - groupWidth / 2 + barWidth * (m + 0.5),
                    Value = values[b],
                    Size = barWidth * 0.95,
                    FillColor = color,
                    LineWidth = 0,
                });
            }
            plot.Add.Bars(bars);
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = models[m], FillColor = color });
        }
        var ticks = breakdown.Buckets
            .Select((bucket, b) => new Tick(b, string.Create(CultureInfo.InvariantCulture, $"{bucket.Label}\n({bucket.Users} users)")))
            .ToArray();
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(ticks);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Margins(bottom: 0);
        plot.Title($"{breakdown.Metric} by target-item popularity ({breakdown.Protocol})");
        plot.XLabel("Target-item popularity (users per item), quantile buckets");
        plot.YLabel(breakdown.Metric);
        plot.ShowLegend(Alignment.UpperLeft);
        Save(plot, path);
    }

    /// <summary>
    /// Writes one chart per model: training loss (left axis, solid) and validation NDCG@10 (right axis, dashed)
    /// by epoch, one line pair per seed.
    /// </summary>
    public static void WriteTrainingCurves(ComparisonResult result, string model, string path)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var runs = result.Runs.Where(r => r.Model == model && r.Manifest is { History.Count: > 0 }).ToList();
        for (int s = 0; s < runs.Count; s++)
        {
            var history = runs[s].Manifest!.History;
            double[] epochs = history.Select(h => (double)h.Epoch).ToArray();
            var color = palette.GetColor(s);
            var loss = plot.Add.Scatter(epochs, history.Select(h => h.Loss).ToArray());
            loss.Color = color;
            loss.LineWidth = 2;
            loss.MarkerSize = 8;
            loss.LegendText = $"loss, seed {runs[s].Seed}";
            var ndcg = plot.Add.Scatter(epochs, history.Select(h => h.Validation.GetValueOrDefault("NDCG@10", double.NaN)).ToArray());
            ndcg.Color = color;
            ndcg.LineWidth = 2;
            ndcg.LinePattern = LinePattern.Dashed;
            ndcg.MarkerShape = MarkerShape.OpenCircle;
            ndcg.MarkerSize = 8;
            ndcg.Axes.YAxis = plot.Axes.Right;
            ndcg.LegendText = $"validation NDCG@10, seed {runs[s].Seed}";
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic { IntegerTicksOnly = true };
        plot.Title($"{model}: training loss and validation NDCG@10 by epoch");
        plot.XLabel("Epoch");
        plot.Axes.Left.Label.Text = "Training loss (solid)";
        plot.Axes.Right.Label.Text = "Validation NDCG@10 (dashed)";
        plot.ShowLegend(Edge.Bottom);
        Save(plot, path);
    }

    private static void Save(Plot plot, string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }
        plot.SavePng(path, Width, Height);
    }
}
