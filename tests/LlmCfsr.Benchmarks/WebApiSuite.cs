using System.Diagnostics;
using System.Net.Http.Json;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Data.Synthetic;
using LlmCfsr.Embeddings;
using LlmCfsr.Encoders;
using LlmCfsr.Recommendation;
using LlmCfsr.Training;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// A bounded load test of the web API sample on loopback: an LLM-CFSR bundle (synthetic catalogue of 2,000 items,
/// seeded random 64-d item embeddings, hidden 64, length 50, 2 layers, one training epoch) served by the sample
/// over Kestrel on 127.0.0.1; <see cref="Clients"/> concurrent clients each send <see cref="RequestsPerClient"/>
/// <c>POST /recommendations</c> (k = 10, a user's training history). Figures: requests/s, latency p50/p99 as
/// the clients see it, and the number of responses other than 200 (must be 0).
/// </summary>
internal sealed class WebApiSuite : IBenchmarkSuite
{
    private const int Clients = 16;
    private const int RequestsPerClient = 200;

    public string Name => "webapi";

    public string Description => $"Web API sample on loopback: {Clients} concurrent clients x {RequestsPerClient} POST /recommendations, LLM-CFSR bundle of 2,000 items";

    public IReadOnlyList<BenchmarkFigure> Run(BenchmarkReport report)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"llmcfsr-webapi-bench-{Guid.NewGuid():N}");
        try
        {
            var (bundle, histories) = TrainBundle(folder);
            return Measure(bundle, histories).GetAwaiter().GetResult();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static (string Bundle, IReadOnlyList<string[]> Histories) TrainBundle(string folder)
    {
        var dataset = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 3000, Items = 2000, Seed = 3 }).Dataset;
        var embeddingsPath = Path.Combine(folder, "item-embeddings.safetensors");
        var generator = new Generator(5);
        using (var values = randn([dataset.ItemCount, 64], generator: generator))
        {
            new ItemEmbeddingCache(dataset.Name, dataset.ItemSourceIds, 64, values.data<float>().ToArray(),
                new ItemEmbeddingFingerprint("random", "random", EmbeddingPooling.Mean, "generic", false) { FineTuned = true, Objective = ItemEmbeddingFingerprint.CftObjective },
                dataset.Fingerprint).Save(embeddingsPath);
        }
        var services = new ServiceCollection();
        services.AddLlmCfsr().AddSasRec().AddCrossAttentionFusion().AddStandardRankingLosses().AddLlmEnhancedRecommenders();
        using var provider = services.BuildServiceProvider();
        var run = Path.Combine(folder, "run");
        using (provider.GetRequiredService<RecommenderTrainer>().Train(new TrainingRequest
        {
            Dataset = dataset,
            Options = new TrainingOptions { Model = "llm-cfsr", Epochs = 1, HiddenSize = 64, MaxLength = 50, Layers = 2, SemanticEmbeddingsPath = embeddingsPath },
            RunDirectory = run,
        }))
        {
        }
        var bundle = Path.Combine(folder, "bundle");
        RecommenderBundle.Export(new RunDirectory(run), dataset, bundle, provider);
        var histories = Enumerable.Range(1, dataset.UserCount)
            .Select(user => dataset.TrainingSequence(user).ToArray().Select(i => dataset.ItemSourceIds[i - 1]).ToArray())
            .ToList();
        return (bundle, histories);
    }

    private static async Task<IReadOnlyList<BenchmarkFigure>> Measure(string bundle, IReadOnlyList<string[]> histories)
    {
        var figures = new List<BenchmarkFigure> { new("load average before", ServingSuite.LoadAverage(), "", "1-minute load average of the machine (/proc/loadavg)") };
        // The sample has no content files; outside a test project the factory needs its content root named.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_LLMCFSR_WEBAPI", AppContext.BaseDirectory);
        using var factory = new WebApplicationFactory<LlmCfsr.WebApi.WebApiOptions>().WithWebHostBuilder(host =>
        {
            host.UseSetting("Bundle", bundle);
            host.UseSetting("PermitsPerSecond", "1000000");
            host.UseEnvironment("Production");
            host.UseSetting("Logging:LogLevel:Default", "Warning");
        });
        factory.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        factory.StartServer();
        using var client = factory.CreateClient();
        for (int i = 0; i < 100; i++)
        {
            using var warmUp = await client.PostAsJsonAsync("/recommendations", new { history = histories[i], k = 10 });
            warmUp.EnsureSuccessStatusCode();
        }

        var latencies = new List<double>[Clients];
        int errors = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(async c =>
        {
            latencies[c] = new List<double>(RequestsPerClient);
            for (int r = 0; r < RequestsPerClient; r++)
            {
                var history = histories[((c * RequestsPerClient) + r) % histories.Count];
                long start = Stopwatch.GetTimestamp();
                using var response = await client.PostAsJsonAsync("/recommendations", new { history, k = 10 });
                await response.Content.ReadAsByteArrayAsync();
                latencies[c].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref errors);
                }
            }
        }));
        double seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).ToList();
        figures.Add(new BenchmarkFigure("requests/s", all.Count / seconds, "1/s", $"{Clients} concurrent clients, {all.Count} requests over loopback HTTP/1.1"));
        figures.Add(new BenchmarkFigure("latency p50 ms", ServingSuite.Percentile(all, 0.50), "ms", "as the client sees it"));
        figures.Add(new BenchmarkFigure("latency p99 ms", ServingSuite.Percentile(all, 0.99), "ms", ""));
        figures.Add(new BenchmarkFigure("errors", errors, "", "responses other than 200"));
        figures.Add(new BenchmarkFigure("load average after", ServingSuite.LoadAverage(), "", "1-minute load average of the machine (/proc/loadavg)"));
        return figures;
    }
}
