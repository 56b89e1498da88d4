using System.CommandLine;
using System.Globalization;
using LlmCfsr.Data;
using LlmCfsr.Embeddings;
using LlmCfsr.Evaluation;

namespace LlmCfsr.Cli.Commands;

/// <summary>
/// <c>llmcfsr embed check --data PREPARED_DIR --embeddings FILE [--embeddings FILE ...] [--attribute categories] [--k 10]</c>:
/// a retrieval check of item-embedding caches by themselves: for each item whose label (an attribute, by default
/// <c>categories</c>) another item shares, does its nearest other item by cosine similarity have the same label?
/// Prints one row per file (share at 1, mean precision at k) and, for every file after the first, a paired t-test of
/// the per-item outcomes against the first (e.g. raw embeddings first, fine-tuned ones after).
/// </summary>
public static class EmbedCheckCommand
{
    /// <summary>Creates the command.</summary>
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Prepared-dataset folder the embeddings were made for.", Required = true };
        var embeddings = new Option<string[]>("--embeddings")
        {
            Description = "Item-embedding cache(s) to check; repeat the option to compare several (paired tests against the first).",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var attribute = new Option<string>("--attribute") { Description = "Item attribute whose value is the label.", DefaultValueFactory = _ => "categories" };
        var k = new Option<int>("--k") { Description = "Neighbours of the precision figure.", DefaultValueFactory = _ => 10 };

        var command = new Command("check", "Check item embeddings by themselves: does each item's nearest neighbour share its label (e.g. category)?");
        foreach (var option in new Option[] { data, embeddings, attribute, k })
        {
            command.Options.Add(option);
        }
        command.SetAction((parseResult, _) =>
        {
            var writer = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                var dataset = PreparedDatasetStore.Load(parseResult.GetValue(data)!);
                string attributeName = parseResult.GetValue(attribute)!;
                var labels = NeighbourLabelAgreement.Labels(dataset, attributeName);
                int neighbours = parseResult.GetValue(k);
                var results = new List<(string Path, ItemEmbeddingCache Cache, NeighbourAgreementResult Result)>();
                foreach (var path in parseResult.GetValue(embeddings)!)
                {
                    var cache = ItemEmbeddingCache.Load(path);
                    EnsureSameItems(path, cache, dataset);
                    using var table = cache.ToTensor();
                    results.Add((path, cache, NeighbourLabelAgreement.Compute(table, labels, neighbours)));
                }
                var first = results[0].Result;
                writer.WriteLine($"'{dataset.Name}': {first.Items} items, {first.Labels} distinct '{attributeName}' values; {first.Outcomes.Count} items share theirs with another item and are checked.");
                writer.WriteLine();
                writer.WriteLine($"| Embeddings | Kind | Adapter | Nearest neighbour same {attributeName} | Precision@{neighbours} |");
                writer.WriteLine("| --- | --- | --- | ---: | ---: |");
                foreach (var (path, cache, result) in results)
                {
                    writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"| {Path.GetFileName(path)} | {cache.Fingerprint.Kind} | {cache.Fingerprint.Adapter} | {result.AtOne:F4} | {result.PrecisionAtK:F4} |"));
                }
                if (results.Count > 1)
                {
                    writer.WriteLine();
                    writer.WriteLine($"Paired t-tests against {Path.GetFileName(results[0].Path)} over the {first.Outcomes.Count} checked items:");
                    writer.WriteLine();
                    writer.WriteLine("| Embeddings | Figure | Mean difference | t | p |");
                    writer.WriteLine("| --- | --- | ---: | ---: | ---: |");
                    foreach (var (path, _, result) in results.Skip(1))
                    {
                        foreach (var (figure, value) in new (string, Func<ItemNeighbourOutcome, double>)[]
                                 {
                                     ("nearest neighbour", o => o.NearestAgrees ? 1 : 0),
                                     ($"precision@{neighbours}", o => o.PrecisionAtK),
                                 })
                        {
                            var test = PairedTTest.Compute(result.Outcomes.Select(value).ToList(), first.Outcomes.Select(value).ToList());
                            writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                                $"| {Path.GetFileName(path)} | {figure} | {test.MeanDifference:+0.0000;-0.0000;0.0000} | {test.T:F3} | {test.PValue:G3} |"));
                        }
                    }
                }
                return Task.FromResult(0);
            }
            catch (Exception e) when (CliErrors.IsExpected(e))
            {
                error.WriteLine($"error: {CliErrors.Describe(e)}");
                return Task.FromResult(1);
            }
        });
        return command;
    }

    private static void EnsureSameItems(string path, ItemEmbeddingCache cache, PreparedDataset dataset)
    {
        if (cache.DatasetFingerprint is { } fingerprint && fingerprint != dataset.Fingerprint)
        {
            throw new InvalidDataException($"{path}: made for prepared dataset '{cache.DatasetName}' ({fingerprint}), not '{dataset.Name}' ({dataset.Fingerprint}).");
        }
        if (!cache.ItemOrder.SequenceEqual(dataset.ItemSourceIds))
        {
            throw new InvalidDataException($"{path}: its item order differs from the items of '{dataset.Name}'; embed the dataset again.");
        }
    }
}
