using System.Diagnostics;
using LlmCfsr.Backbones.SasRec;
using LlmCfsr.ItemIndex.USearch;
using LlmCfsr.Models;
using LlmCfsr.Recommendation;
using LlmCfsr.Sequences;
using Microsoft.Extensions.Options;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// Serving cost and quality: a SASRec model (hidden 128, length 50, 2 layers) whose item table is a seeded synthetic
/// catalogue (Gaussian clusters, d = 128) serves <see cref="Recommender.Recommend"/> calls one at a time, through the
/// exact index and through the USearch HNSW index (default options). Figures: index build time, latency p50/p99 of a
/// whole call (id mapping, encoder, search, filters) and of the search alone, and recall@10 of HNSW's results
/// against the exact ones for the same requests (seen items excluded). 20,000 items always; 1,000,000 items with
/// <c>--serving-1m</c> (about 3 GB of memory and minutes of graph building).
/// </summary>
internal sealed class ServingSuite : IBenchmarkSuite
{
    private const int Dimensions = 128;
    private const int MaxLength = 50;
    private const int K = 10;

    private readonly bool _includeMillion;

    public ServingSuite(bool includeMillion) => _includeMillion = includeMillion;

    public string Name => "serving";

    public string Description => $"Recommend latency and HNSW recall@{K}, SASRec hidden {Dimensions}, synthetic clustered items, 20k{(_includeMillion ? " and 1M" : "")} items";

    public IReadOnlyList<BenchmarkFigure> Run(BenchmarkReport report)
    {
        var figures = new List<BenchmarkFigure> { new("load average before", LoadAverage(), "", "1-minute load average of the machine (/proc/loadavg)") };
        figures.AddRange(Measure(20_000, requests: 500));
        if (_includeMillion)
        {
            figures.AddRange(Measure(1_000_000, requests: 200));
        }
        figures.Add(new BenchmarkFigure("load average after", LoadAverage(), "", "1-minute load average of the machine (/proc/loadavg)"));
        return figures;
    }

    private static IEnumerable<BenchmarkFigure> Measure(int items, int requests)
    {
        string size = items >= 1_000_000 ? $"{items / 1_000_000}M" : $"{items / 1000}k";
        var table = Catalogue(items, seed: 42);
        using var model = SasRec(items, table);
        var ids = Enumerable.Range(1, items).Select(i => $"item{i}").ToArray();
        var random = new Random(7);
        var histories = Enumerable.Range(0, requests)
            .Select(_ => (IReadOnlyList<string>)[.. Enumerable.Range(0, random.Next(5, MaxLength + 1)).Select(_ => ids[random.Next(items)])])
            .ToList();

        using var exact = Recommender.Create(model, ids);
        var watch = Stopwatch.StartNew();
        using var approximate = Recommender.Create(model, ids, new USearchItemIndexFactory(Options.Create(new USearchItemIndexOptions())));
        double createSeconds = watch.Elapsed.TotalSeconds;
        yield return new BenchmarkFigure($"{size} HNSW recommender build s", createSeconds, "s", "item vectors from the model + USearch graph (M 16, ef_add 128), one thread adding");

        var defaults = new USearchItemIndexOptions();
        var recommenders = new[] { ("exact", exact), ("HNSW", approximate) };
        // Warm-up (JIT tiers, allocator, caches), then both recommenders timed on each request in turn, so a busy
        // moment of the shared machine hits both alike.
        foreach (var history in histories.Take(50))
        {
            exact.Recommend(history, K);
            approximate.Recommend(history, K);
        }
        var users = histories.Select(history => UserVector(model, history)).ToList();
        var latencies = recommenders.ToDictionary(r => r.Item1, _ => new List<double>());
        var searches = recommenders.ToDictionary(r => r.Item1, _ => new List<double>());
        for (int i = 0; i < histories.Count; i++)
        {
            foreach (var (name, recommender) in recommenders)
            {
                latencies[name].Add(Time(() => recommender.Recommend(histories[i], K)));
                searches[name].Add(Time(() => recommender.Index.Search(users[i], K)));
            }
        }
        foreach (var (name, _) in recommenders)
        {
            yield return new BenchmarkFigure($"{size} {name} Recommend p50 ms", Percentile(latencies[name], 0.50), "ms", $"{requests} sequential calls, k = {K}, histories of 5-50 items");
            yield return new BenchmarkFigure($"{size} {name} Recommend p99 ms", Percentile(latencies[name], 0.99), "ms", "");
            yield return new BenchmarkFigure($"{size} {name} search only p50 ms", Percentile(searches[name], 0.50), "ms", "the index alone, unfiltered, same users");
            yield return new BenchmarkFigure($"{size} {name} search only p99 ms", Percentile(searches[name], 0.99), "ms", "");
        }

        double recall = histories.Average(history =>
        {
            var truth = exact.Recommend(history, K).Items.Select(i => i.ItemId).ToHashSet();
            return approximate.Recommend(history, K).Items.Count(i => truth.Contains(i.ItemId)) / (double)K;
        });
        yield return new BenchmarkFigure($"{size} HNSW recall@{K}", recall, "", $"mean over {requests} requests against the exact index, seen items excluded; ef_search {defaults.ExpansionSearch}");
    }

    /// <summary>The model's user vector for a history, as the recommender computes it.</summary>
    private static float[] UserVector(SequentialRecommender model, IReadOnlyList<string> history)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var rows = history.Select(id => (long)int.Parse(id.AsSpan(4), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return model.EncodeHistories(tensor(rows, [1, rows.Length])).data<float>().ToArray();
    }

    /// <summary>SASRec with <paramref name="table"/> ([items, d]) as its item embeddings (row 0 stays padding).</summary>
    private static IdOnlyRecommender SasRec(int items, float[] table)
    {
        var settings = new SequenceEncoderSettings { HiddenSize = Dimensions, MaxLength = MaxLength, Layers = 2, Heads = 1, Dropout = 0.2 };
        var model = new IdOnlyRecommender("sasrec", items, MaxLength, new SasRecEncoderFactory(Options.Create(new SasRecOptions())).Create(settings));
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var weight = model.get_parameter(IdOnlyRecommender.ItemTableParameter)!;
        weight.narrow(0, 1, items).copy_(tensor(table, [items, Dimensions]));
        return model;
    }

    /// <summary>Seeded Gaussian clusters (one centre per 1,000 items), the shape of trained item tables.</summary>
    private static float[] Catalogue(int items, int seed)
    {
        var random = new Random(seed);
        int clusters = Math.Max(16, items / 1000);
        var centres = new float[clusters * Dimensions];
        for (int i = 0; i < centres.Length; i++)
        {
            centres[i] = (float)(Gaussian(random) / Math.Sqrt(Dimensions));
        }
        var values = new float[(long)items * Dimensions];
        for (int n = 0; n < items; n++)
        {
            int centre = random.Next(clusters);
            for (int j = 0; j < Dimensions; j++)
            {
                values[(n * Dimensions) + j] = centres[(centre * Dimensions) + j] + (float)(0.5 * Gaussian(random) / Math.Sqrt(Dimensions));
            }
        }
        return values;
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static double Time(Action action)
    {
        var watch = Stopwatch.StartNew();
        action();
        return watch.Elapsed.TotalMilliseconds;
    }

    internal static double Percentile(List<double> values, double quantile)
    {
        var sorted = values.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(quantile * sorted.Count) - 1)];
    }

    internal static double LoadAverage()
        => File.Exists("/proc/loadavg") ? double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture) : double.NaN;
}
