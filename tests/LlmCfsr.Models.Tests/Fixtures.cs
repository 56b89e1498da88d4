using LlmCfsr.Testing;
using LlmCfsr.Data;
using LlmCfsr.Data.Synthetic;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Encoders;
using LlmCfsr.Prompts;
using LlmCfsr.Sequences;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace LlmCfsr.Models.Tests;

/// <summary>Datasets and model inputs the tests build themselves.</summary>
internal static class Fixtures
{
    /// <summary>A small synthetic dataset with item texts (for fast structural tests).</summary>
    public static PreparedDataset Small { get; } = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 60, Items = 40, Topics = 4, Seed = 5 }).Dataset;

    /// <summary>Sizes small enough for structural tests.</summary>
    public static SequenceEncoderSettings TinyBackbone { get; } = new() { HiddenSize = 8, MaxLength = 6, Layers = 1, Heads = 2, Dropout = 0.1 };

    /// <summary>
    /// Seeded Gaussian "LLM" item embeddings [items, dimension] for structural tests, whose outcome does not depend
    /// on what the embeddings mean (shapes, parameters, masking); semantic tests use MiniLM.
    /// </summary>
    public static ItemEmbeddingCache RandomItemEmbeddings(PreparedDataset dataset, int dimension = 24, int seed = 1, string encoder = "random", bool fineTuned = false,
        string? objective = null)
    {
        var generator = new Generator((ulong)seed);
        using var values = randn([dataset.ItemCount, dimension], generator: generator);
        return new ItemEmbeddingCache(dataset.Name, dataset.ItemSourceIds, dimension, values.data<float>().ToArray(),
            new ItemEmbeddingFingerprint(encoder, encoder, EmbeddingPooling.Mean, "generic", false)
            {
                FineTuned = fineTuned, Adapter = fineTuned ? $"{encoder}-adapter" : "none",
                // SAID's objective follows from its kind.
                SaidStage1 = objective == ItemEmbeddingFingerprint.SaidObjective,
                Objective = objective == ItemEmbeddingFingerprint.SaidObjective ? null : objective,
            },
            dataset.Fingerprint);
    }

    /// <summary>
    /// <see cref="RandomItemEmbeddings"/> with the provenance <paramref name="input"/> takes: raw, CFT, SCFT or SAID stage 1
    /// (the same values for the same seed whatever the kind).
    /// </summary>
    public static ItemEmbeddingCache ItemEmbeddingsFor(ModelInput input, PreparedDataset dataset, int dimension = 24, int seed = 1) => input switch
    {
        ModelInput.RawSemanticEmbeddings => RandomItemEmbeddings(dataset, dimension, seed),
        ModelInput.SemanticEmbeddings => RandomItemEmbeddings(dataset, dimension, seed, fineTuned: true, objective: ItemEmbeddingFingerprint.CftObjective),
        ModelInput.ScftEmbeddings => RandomItemEmbeddings(dataset, dimension, seed, fineTuned: true, objective: ItemEmbeddingFingerprint.ScftObjective),
        ModelInput.SaidEmbeddings => RandomItemEmbeddings(dataset, dimension, seed, fineTuned: true, objective: ItemEmbeddingFingerprint.SaidObjective),
        _ => throw new ArgumentOutOfRangeException(nameof(input)),
    };

    /// <summary>
    /// A copy of the cache at <paramref name="path"/> (written next to it) recorded with the provenance <paramref name="input"/>
    /// takes: the tests' stand-in for fine-tuned embeddings where what matters is the values, not how they were made.
    /// </summary>
    public static string CopyAsKindOf(string path, ModelInput input)
    {
        var cache = ItemEmbeddingCache.Load(path);
        var fingerprint = ItemEmbeddingsFor(input, Small).Fingerprint;
        var copy = Path.ChangeExtension(path, $"{input}.safetensors");
        new ItemEmbeddingCache(cache.DatasetName, cache.ItemOrder, cache.Dimension, cache.Values.ToArray(), fingerprint, cache.DatasetFingerprint).Save(copy);
        return copy;
    }

    /// <summary>The item-embedding input the model registered as <paramref name="model"/> reads (None for id-only models).</summary>
    public static ModelInput ItemInputOf(string model)
    {
        using var services = TestServices.Build();
        var inputs = services.GetRequiredService<ComponentCatalog>().RecommenderModel(model).Options.Inputs;
        return new[] { ModelInput.SemanticEmbeddings, ModelInput.RawSemanticEmbeddings, ModelInput.SaidEmbeddings, ModelInput.ScftEmbeddings }
            .FirstOrDefault(input => inputs.HasFlag(input));
    }

    /// <summary>
    /// Writes seeded item embeddings of the kind <paramref name="model"/> reads into <paramref name="folder"/> and returns
    /// <paramref name="options"/> with their path on the model's option (unchanged for an id-only model).
    /// </summary>
    public static Training.TrainingOptions WithItemEmbeddingsFor(Training.TrainingOptions options, string model, string folder, int seed = 1)
    {
        var input = ItemInputOf(model);
        if (input == ModelInput.None)
        {
            return options;
        }
        var path = Path.Combine(folder, $"items-{input}-{seed}.safetensors");
        ItemEmbeddingsFor(input, Small, seed: seed).Save(path);
        return input switch
        {
            ModelInput.SemanticEmbeddings => options with { SemanticEmbeddingsPath = path },
            ModelInput.RawSemanticEmbeddings => options with { RawSemanticEmbeddingsPath = path },
            ModelInput.SaidEmbeddings => options with { SaidEmbeddingsPath = path },
            _ => options with { ScftEmbeddingsPath = path },
        };
    }

    /// <summary>Seeded Gaussian user embeddings for structural tests.</summary>
    public static UserEmbeddingCache RandomUserEmbeddings(PreparedDataset dataset, int dimension = 16, int seed = 2)
        => TestEmbeddings.RandomUsers(dataset, seed, dimension);

    /// <summary>User embeddings as the mean of the user's training items' embeddings (the CLI test covers the text path).</summary>
    public static UserEmbeddingCache MeanOfHistoryItems(PreparedDataset dataset, ItemEmbeddingCache items)
        => TestEmbeddings.MeanOfHistoryItems(dataset, items);

    /// <summary>MiniLM embeddings of <paramref name="dataset"/>'s items rendered with the generic template, written to <paramref name="path"/>.</summary>
    public static ItemEmbeddingCache MiniLmItemEmbeddings(PreparedDataset dataset, string path)
    {
        using var services = TestServices.Build();
        var encoder = services.GetRequiredService<ComponentCatalog>().SemanticEncoder("minilm");
        new ItemEmbeddingGenerator(encoder, ItemPromptTemplates.ByName("generic")).Generate(dataset, path);
        return ItemEmbeddingCache.Load(path);
    }

    /// <summary>A fresh empty folder under the temp directory.</summary>
    public static string TempFolder()
    {
        var path = Path.Combine(Path.GetTempPath(), "llmcfsr-models-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>The model registered as <paramref name="name"/>, created on <see cref="Small"/> with every input available.</summary>
    public static SequentialRecommender Create(ServiceProvider services, string name, SequenceEncoderSettings? backbone = null,
        ItemEmbeddingCache? semantic = null, ItemEmbeddingCache? raw = null, int seed = 1, ItemEmbeddingCache? said = null, ItemEmbeddingCache? scft = null)
    {
        manual_seed(seed);
        var settings = backbone ?? TinyBackbone;
        var catalog = services.GetRequiredService<ComponentCatalog>();
        using var inputs = RecommenderModelInputs.From(Small, settings, semantic ?? ItemEmbeddingsFor(ModelInput.SemanticEmbeddings, Small),
            raw ?? RandomItemEmbeddings(Small, seed: 3, encoder: "raw"), RandomUserEmbeddings(Small), randn(Small.ItemCount + 1, settings.HiddenSize),
            said ?? ItemEmbeddingsFor(ModelInput.SaidEmbeddings, Small), scft ?? ItemEmbeddingsFor(ModelInput.ScftEmbeddings, Small))
            with { TeacherWeights = TeacherWeights(catalog, name, settings) };
        return RecommenderModels.Create(catalog, name, inputs);
    }

    /// <summary>The weights of a freshly built teacher of the model registered as <paramref name="name"/> (null when it has none), on <see cref="Small"/>.</summary>
    public static Dictionary<string, Tensor>? TeacherWeights(ComponentCatalog catalog, string name, SequenceEncoderSettings settings)
    {
        if (catalog.RecommenderModel(name).Options.TeacherModel is not { } teacherName)
        {
            return null;
        }
        using var inputs = RecommenderModelInputs.From(Small, settings);
        using var teacher = RecommenderModels.Create(catalog, teacherName, inputs);
        return teacher.state_dict().ToDictionary(weight => weight.Key, weight => weight.Value.detach().clone());
    }
}
