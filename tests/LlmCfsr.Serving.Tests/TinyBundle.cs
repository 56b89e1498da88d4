using LlmCfsr.Data;
using LlmCfsr.Data.Synthetic;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Models;
using LlmCfsr.Prompts;
using LlmCfsr.Recommendation;
using LlmCfsr.Sequences;
using LlmCfsr.Testing;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.Serving.Tests;

/// <summary>
/// A model bundle trained in the test: a seeded synthetic catalogue (topics shared by items' titles) with one item
/// held out of training entirely, text embeddings from <see cref="BagOfWordsEncoder"/>, a few epochs of a small
/// model, exported to a temporary folder deleted on dispose.
/// </summary>
internal sealed class TinyBundle : IDisposable
{
    private TinyBundle(string folder, SyntheticDataset synthetic, PreparedDataset dataset, int heldOutItem, string model)
    {
        Folder = folder;
        Synthetic = synthetic;
        Dataset = dataset;
        HeldOutItem = heldOutItem;
        Model = model;
    }

    /// <summary>Temporary folder holding the run, the embeddings and the bundle.</summary>
    public string Folder { get; }

    /// <summary>The bundle folder.</summary>
    public string BundlePath => Path.Combine(Folder, "bundle");

    /// <summary>The run folder.</summary>
    public string RunPath => Path.Combine(Folder, "run");

    /// <summary>The generated catalogue, held-out item included (its item ids, topics and attributes).</summary>
    public SyntheticDataset Synthetic { get; }

    /// <summary>The training dataset (without the held-out item).</summary>
    public PreparedDataset Dataset { get; }

    /// <summary>The synthetic catalogue's id (1-based) of the item held out of training.</summary>
    public int HeldOutItem { get; }

    /// <summary>The registered model name.</summary>
    public string Model { get; }

    /// <summary>The prompt template the items were embedded with.</summary>
    public static ItemPromptTemplate Template => ItemPromptTemplates.Generic;

    /// <summary>The held-out item as a new item.</summary>
    public NewItem HeldOut => new(Synthetic.Dataset.ItemSourceIds[HeldOutItem - 1], Synthetic.Dataset.ItemAttributes[HeldOutItem - 1]);

    /// <summary>The held-out item's topic.</summary>
    public int HeldOutTopic => Synthetic.ItemTopics[HeldOutItem - 1];

    /// <summary>Services with the parts a bundle of this model needs (and the trainer), the SDK-wide settings set by <paramref name="configure"/>.</summary>
    public static ServiceProvider Services(Action<LlmCfsrOptions>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLlmCfsr(configure).AddSasRec().AddCrossAttentionFusion().AddStandardRankingLosses().AddIdOnlyRecommender("sasrec").AddLlmEnhancedRecommenders().AddLongTailRecommenders();
        return services.BuildServiceProvider();
    }

    /// <summary>
    /// Trains <paramref name="model"/> for <paramref name="epochs"/> epochs on the catalogue of <paramref name="seed"/> and
    /// exports its bundle. The run gets the inputs its model reads (the item embeddings labelled as CFT for the llm-cfsr
    /// variants that take fine-tuned ones, as SAID's stage 1 for said, as SCFT for llmemb, raw for the others, plus
    /// llm-esr's user embeddings and, for the models that start from one (llmemb, melt, cities), a sasrec teacher run
    /// trained first the same way), or with <paramref name="everyInput"/> every embedding input, as a comparison records them for every model.
    /// The default, llm-cfsr-no-cft, reads the raw bag-of-words vectors, so items added from text with the same raw
    /// encoder match the bundle's embeddings.
    /// </summary>
    public static TinyBundle Train(string model = "llm-cfsr-no-cft", int seed = 11, int epochs = 10, bool everyInput = false)
    {
        var folder = Path.Combine(Path.GetTempPath(), $"llmcfsr-bundle-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var synthetic = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 400, Items = 60, Topics = 4, MeanSequenceLength = 8, MaxSequenceLength = 20, TopicStayProbability = 0.8, Seed = seed });
            // Hold out a mid-popularity item: every interaction with it is removed, so the model never sees it.
            var counts = new int[synthetic.Dataset.ItemCount + 1];
            foreach (var sequence in synthetic.Dataset.Sequences)
            {
                foreach (var item in sequence)
                {
                    counts[item]++;
                }
            }
            int heldOut = Enumerable.Range(1, synthetic.Dataset.ItemCount).OrderBy(i => counts[i]).ElementAt(synthetic.Dataset.ItemCount / 2);
            var dataset = Without(synthetic.Dataset, heldOut);
            using var provider = Services();
            var embeddingsPath = Path.Combine(folder, "item-embeddings.safetensors");
            using (var encoder = new BagOfWordsEncoder())
            {
                new ItemEmbeddingGenerator(encoder, Template).Generate(dataset, embeddingsPath);
            }
            var usersPath = Path.Combine(folder, "user-embeddings.safetensors");
            TestEmbeddings.MeanOfHistoryItems(dataset, ItemEmbeddingCache.Load(embeddingsPath)).Save(usersPath);
            // The same values stand in for the CFT, SAID stage-1 and SCFT embeddings llm-cfsr, said and llmemb read.
            var cftPath = Relabelled(embeddingsPath, "cft", fingerprint => fingerprint with { FineTuned = true, Objective = ItemEmbeddingFingerprint.CftObjective });
            var saidPath = Relabelled(embeddingsPath, "said", fingerprint => fingerprint with { FineTuned = true, SaidStage1 = true });
            var scftPath = Relabelled(embeddingsPath, "scft", fingerprint => fingerprint with { FineTuned = true, Objective = ItemEmbeddingFingerprint.ScftObjective });
            var trainer = provider.GetRequiredService<RecommenderTrainer>();
            var declared = provider.GetRequiredService<ComponentCatalog>().RecommenderModel(model).Options.Inputs;
            bool Reads(ModelInput input) => everyInput || declared.HasFlag(input);
            var bundle = new TinyBundle(folder, synthetic, dataset, heldOut, model);
            TrainingOptions Options(string name, string? teacher) => new()
            {
                Model = name,
                Loss = "bpr",
                Epochs = epochs,
                Patience = epochs,
                HiddenSize = 16,
                Layers = 1,
                Heads = 1,
                MaxLength = 10,
                BatchSize = 64,
                Seed = seed,
                EvaluationProtocol = "sampled:20",
                SemanticEmbeddingsPath = Reads(ModelInput.SemanticEmbeddings) ? cftPath : null,
                RawSemanticEmbeddingsPath = Reads(ModelInput.RawSemanticEmbeddings) ? embeddingsPath : null,
                SaidEmbeddingsPath = Reads(ModelInput.SaidEmbeddings) ? saidPath : null,
                ScftEmbeddingsPath = Reads(ModelInput.ScftEmbeddings) ? scftPath : null,
                UserEmbeddingsPath = Reads(ModelInput.UserEmbeddings) ? usersPath : null,
                TeacherRunDirectory = teacher,
            };
            string? teacherRun = null;
            if (declared.HasFlag(ModelInput.TeacherRun))
            {
                // The id-only run that llmemb, melt and cities start from.
                teacherRun = Path.Combine(folder, "teacher");
                using (trainer.Train(new TrainingRequest { Dataset = dataset, Options = Options("sasrec", null), RunDirectory = teacherRun }))
                {
                }
            }
            // CITIES's own schedule would run its inference network to the 10,000-epoch guard on a catalogue this small.
            var modelOptions = model == "cities" ? new CitiesOptions { InferenceMaxEpochs = 5 } : null;
            using (trainer.Train(new TrainingRequest { Dataset = dataset, Options = Options(model, teacherRun), ModelOptions = modelOptions, RunDirectory = bundle.RunPath }))
            {
            }
            RecommenderBundle.Export(new RunDirectory(bundle.RunPath), dataset, bundle.BundlePath, provider);
            return bundle;
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>A copy of the bundle in a new folder of <see cref="Folder"/>, to damage.</summary>
    public string CopyBundle()
    {
        var copy = Path.Combine(Folder, $"copy-{Guid.NewGuid():N}");
        Directory.CreateDirectory(copy);
        foreach (var file in Directory.EnumerateFiles(BundlePath))
        {
            File.Copy(file, Path.Combine(copy, Path.GetFileName(file)));
        }
        return copy;
    }

    public void Dispose() => Directory.Delete(Folder, recursive: true);

    /// <summary><paramref name="dataset"/> without <paramref name="item"/>: removed from every sequence, later ids shifted down; users left with fewer than 3 items dropped.</summary>
    private static PreparedDataset Without(PreparedDataset dataset, int item)
    {
        var users = new List<string>();
        var sequences = new List<int[]>();
        for (int u = 0; u < dataset.UserCount; u++)
        {
            var sequence = dataset.Sequences[u].Where(i => i != item).Select(i => i > item ? i - 1 : i).ToArray();
            if (sequence.Length >= 3)
            {
                users.Add(dataset.UserSourceIds[u]);
                sequences.Add(sequence);
            }
        }
        var ids = dataset.ItemSourceIds.Where((_, i) => i != item - 1).ToList();
        var attributes = dataset.ItemAttributes.Where((_, i) => i != item - 1).ToList();
        return new PreparedDataset(dataset.Name, users, ids, sequences, attributes);
    }

    /// <summary>A copy of the cache at <paramref name="path"/> with its provenance changed by <paramref name="kind"/>, written next to it.</summary>
    private static string Relabelled(string path, string name, Func<ItemEmbeddingFingerprint, ItemEmbeddingFingerprint> kind)
    {
        var cache = ItemEmbeddingCache.Load(path);
        var copy = Path.ChangeExtension(path, $"{name}.safetensors");
        new ItemEmbeddingCache(cache.DatasetName, cache.ItemOrder, cache.Dimension, cache.Values.ToArray(), kind(cache.Fingerprint), cache.DatasetFingerprint).Save(copy);
        return copy;
    }
}
