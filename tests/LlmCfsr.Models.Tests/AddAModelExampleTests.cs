using LlmCfsr.DependencyInjection;
using LlmCfsr.Sequences;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Models.Tests;

// docs/architecture.md "Add a model" quotes this file from here to the test class: keep the two in step.

/// <summary>The example's own settings, saved in run.json; the sizes (hidden, maximum length) come from <see cref="TrainingOptions"/>.</summary>
public sealed record MeanPoolOptions : RecommenderModelOptions
{
    /// <summary>Whether the pooled history goes through a trainable linear map before scoring.</summary>
    public bool Project { get; set; } = true;
}

/// <summary>A causal model without a backbone: the state at each position is the mean of the item embeddings so far.</summary>
public sealed class MeanPoolRecommender : SequentialRecommender
{
    private readonly Embedding item_embeddings;
    private readonly Linear? projection;

    public MeanPoolRecommender(int itemCount, int hiddenSize, int maxLength, MeanPoolOptions options)
        : base("mean-pool", itemCount, maxLength)
    {
        item_embeddings = nn.Embedding(itemCount + 1, hiddenSize, padding_idx: 0);
        projection = options.Project ? nn.Linear(hiddenSize, hiddenSize) : null;
        RegisterComponents();
    }

    public override SequenceDirection Direction => SequenceDirection.Causal;

    public override Tensor EncodeSequences(Tensor items, Tensor? maskedPositions = null)
    {
        using var scope = NewDisposeScope();
        using var one = 1.ToScalar();
        var real = ItemIds.IsReal(items).unsqueeze(-1).to_type(ScalarType.Float32);
        var means = item_embeddings.call(items).mul(real).cumsum(1).div(real.cumsum(1).clamp_min(one));
        return (projection is null ? means : projection.call(means)).MoveToOuterDisposeScope();
    }

    public override Tensor ItemRepresentations(Tensor items) => item_embeddings.call(items);
}

public static class MeanPoolRegistration
{
    /// <summary>The one registration line: the name and how to build the model from its options and inputs.</summary>
    public static ILlmCfsrBuilder AddMeanPool(this ILlmCfsrBuilder builder) =>
        builder.AddRecommenderModel<MeanPoolOptions>("mean-pool",
            (options, inputs, _) => new MeanPoolRecommender(inputs.ItemCount, inputs.Backbone.HiddenSize, inputs.Backbone.MaxLength, options));
}

/// <summary>The worked example of docs/architecture.md trains and reloads like every registered model.</summary>
public sealed class AddAModelExampleTests
{
    [Fact]
    public void TheExampleModelTrainsByNameAndItsSavedRunReloads()
    {
        var services = new ServiceCollection();
        services.AddLlmCfsr().AddStandardRankingLosses().AddMeanPool();
        using var provider = services.BuildServiceProvider();
        var folder = Fixtures.TempFolder();
        var options = new TrainingOptions
        {
            Model = "mean-pool", Epochs = 3, Patience = 3, BatchSize = 16, LearningRate = 5e-3, MaxLength = 6, HiddenSize = 8, Seed = 5, EvaluationProtocol = "full",
        };
        manual_seed(123);
        using var before = random.get_rng_state();
        using var result = provider.GetRequiredService<RecommenderTrainer>().Train(new TrainingRequest { Dataset = Fixtures.Small, Options = options, RunDirectory = folder });
        using (var after = random.get_rng_state())
        {
            // Train hands torch's default generator back as it found it.
            Assert.Equal(before.data<byte>().ToArray(), after.data<byte>().ToArray());
        }
        Assert.Equal("bce", result.Manifest.Loss);
        Assert.True(result.Manifest.History[^1].Loss < result.Manifest.History[0].Loss, "The loss falls while the model trains.");
        // The item table and the projection, nothing else: [items + 1, 8] + [8, 8] + [8].
        Assert.Equal((Fixtures.Small.ItemCount + 1) * 8 + 8 * 8 + 8, result.Model.parameters().Sum(p => p.numel()));

        // The options are saved as they were and rebuild the model.
        Assert.Equal(new MeanPoolOptions(), TrainedRun.ModelOptions(provider.GetRequiredService<ComponentCatalog>(), result.Manifest));
        var catalog = provider.GetRequiredService<ComponentCatalog>();
        using var reloaded = TrainedRun.LoadBestModel(catalog, new RunDirectory(folder), Fixtures.Small, CPU);
        using var histories = tensor(new long[,] { { 0, 0, 1, 2, 3, 4 } });
        using (no_grad())
        {
            Assert.True(reloaded.ScoreAll(histories).allclose(result.Model.ScoreAll(histories)));
        }
    }

    [Fact]
    public void TheArchitecturePageQuotesThisExampleAsItCompiles()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Sdk.sln")))
        {
            root = root.Parent;
        }
        Assert.NotNull(root);
        // Compared with whitespace collapsed: the page indents the registration line less than the class here does.
        static string Collapse(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ");
        var page = Collapse(File.ReadAllText(Path.Combine(root.FullName, "docs", "architecture.md")));
        var source = File.ReadAllText(Path.Combine(root.FullName, "tests", "LlmCfsr.Models.Tests", "AddAModelExampleTests.cs")).ReplaceLineEndings("\n");
        string Between(string start, string end)
        {
            int from = source.IndexOf(start, StringComparison.Ordinal);
            return Collapse(source[from..source.IndexOf(end, from, StringComparison.Ordinal)].Trim());
        }
        Assert.Contains(Between("public sealed record MeanPoolOptions", "/// <summary>A causal model"), page);
        Assert.Contains(Between("public sealed class MeanPoolRecommender", "public static class MeanPoolRegistration"), page);
        Assert.Contains(Between("builder.AddRecommenderModel<MeanPoolOptions>", "\n}\n"), page);
    }
}
