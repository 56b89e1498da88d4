using LlmCfsr.DependencyInjection;
using LlmCfsr.Losses;
using LlmCfsr.Tensors;
using LlmCfsr.Training;
using TorchSharp;
using Microsoft.Extensions.DependencyInjection;
using static TorchSharp.torch;

namespace LlmCfsr.Models.Tests;

/// <summary>
/// MELT and CITIES: they start from their teacher's weights, train what their papers train, replace what their papers replace,
/// and each switch removes exactly its component. The data they derive (contexts, curriculum weights, thresholds) is checked
/// on hand-computed cases.
/// </summary>
public sealed class TailBaselineTests
{
    private static (SequentialRecommender Model, Dictionary<string, Tensor> Teacher) Create(ServiceProvider services, string name, RecommenderModelOptions? options = null)
    {
        manual_seed(7);
        var catalog = services.GetRequiredService<ComponentCatalog>();
        var teacher = Fixtures.TeacherWeights(catalog, name, Fixtures.TinyBackbone)!;
        var inputs = RecommenderModelInputs.From(Fixtures.Small, Fixtures.TinyBackbone) with { TeacherWeights = teacher.ToDictionary(w => w.Key, w => w.Value.clone()) };
        using (inputs)
        {
            return (RecommenderModels.Create(catalog, name, inputs, options), teacher);
        }
    }

    private static TrainingBatch Batch() => new()
    {
        Users = tensor(new long[] { 1, 2 }),
        Items = tensor(new long[,] { { 0, 0, 1, 2, 3, 4 }, { 5, 6, 7, 8, 9, 10 } }),
        Targets = tensor(new long[,] { { 0, 0, 2, 3, 4, 5 }, { 6, 7, 8, 9, 10, 11 } }),
    };

    private static string[] ParameterNames(SequentialRecommender model) => [.. model.named_parameters().Select(p => p.name)];

    private static bool[] ChangedRows(Tensor table, Tensor teacher)
    {
        using var zero = 0.ToScalar();
        return [.. table.sub(teacher).abs().sum(1).gt(zero).data<bool>()];
    }

    /// <summary>Every CITIES-tail item's row of <paramref name="table"/> differs from the teacher's, and no other row does.</summary>
    private static void AssertOnlyTailRowsReplaced(Tensor table, Tensor teacher)
    {
        using var contexts = new CitiesContexts(Fixtures.Small, new CitiesOptions());
        var changed = ChangedRows(table, teacher);
        var tail = contexts.TailItems.ToHashSet();
        Assert.NotEmpty(tail);
        for (int item = 1; item <= Fixtures.Small.ItemCount; item++)
        {
            Assert.True(changed[item] == tail.Contains(item), $"item {item}: replaced {changed[item]}, tail {tail.Contains(item)}");
        }
    }

    private static Tensor History(int length) => tensor(Enumerable.Range(1, length).Select(item => (long)item).ToArray()).unsqueeze(0);

    [Fact]
    public void MeltStartsFromItsTeacherRefreshesOnlyTailItemsAndTrainsBothBranches()
    {
        using var services = TestServices.Build();
        var (model, teacher) = Create(services, "melt");
        using var melt = (MeltRecommender)model;
        var table = melt.state_dict()["item_embeddings.weight"];
        Assert.True(table.allclose(teacher["item_embeddings.weight"], 0, 0));
        Assert.All(teacher.Where(w => w.Key.StartsWith("backbone.", StringComparison.Ordinal)), w => Assert.True(melt.state_dict()[w.Key].allclose(w.Value, 0, 0), w.Key));

        melt.OnEpochStarting(new TrainingEpoch { Number = 1, Count = 10, Steps = 2 });
        var data = new MeltBranchData(Fixtures.Small, Fixtures.TinyBackbone.MaxLength, 0.8);
        var changed = ChangedRows(table, teacher["item_embeddings.weight"]);
        Assert.All(data.HeadItems, item => Assert.False(changed[item], $"head item {item} was replaced"));
        Assert.All(data.TailItems.Where(item => data.Contexts.Count(item) > 0), item => Assert.True(changed[item], $"tail item {item} kept its row"));

        melt.train();
        using var negatives = new NegativeSampler(Fixtures.Small);
        var catalog = services.GetRequiredService<ComponentCatalog>();
        var loss = melt.ComputeLoss(Batch(), catalog.RankingLoss("bce"), negatives);
        loss.backward();
        foreach (var name in new[] { "user_transfer.weight", "item_inference.weight", "item_embeddings.weight" })
        {
            var grad = melt.named_parameters().Single(p => p.name == name).parameter.grad;
            Assert.True(grad is not null && grad.abs().sum().item<float>() > 0, $"{name} received no gradient");
        }
    }

    [Fact]
    public void MeltRefreshGivesEachTailItemWIOfTheMeanPlainStateAfterAllItsContexts()
    {
        // The official update_tail_item_representation: in evaluation mode, W_I of the mean of the encoder's states after every
        // context of the item (without W_U, which only the item branch's loss adds), written over the item's row.
        using var services = TestServices.Build();
        using var melt = (MeltRecommender)Create(services, "melt").Model;
        using var data = new MeltBranchData(Fixtures.Small, Fixtures.TinyBackbone.MaxLength, 0.8);
        var tail = data.TailItems.Where(item => data.Contexts.Count(item) > 0).ToArray();
        // One refresh chunk, so every state is read from the teacher's table (later chunks would read replaced rows).
        Assert.True(tail.Sum(data.Contexts.Count) <= 1024, $"{tail.Sum(data.Contexts.Count)} tail contexts");
        Assert.NotEmpty(tail);
        var inference = (TorchSharp.Modules.Linear)melt.named_children().Single(c => c.name == "item_inference").module;
        var expected = new List<Tensor>();
        melt.eval();
        using (no_grad())
        {
            foreach (int item in tail)
            {
                var rows = data.Contexts.Rows.narrow(0, data.Contexts.Offsets[item], data.Contexts.Count(item));
                var states = melt.EncodeSequences(rows);
                expected.Add(inference.call(states.select(1, states.shape[1] - 1).mean([0])));
            }
        }

        // Training mode (dropout 0.1) on purpose: the refresh must switch to evaluation mode itself.
        melt.train();
        melt.OnEpochStarting(new TrainingEpoch { Number = 1, Count = 10, Steps = 2 });
        var table = melt.state_dict()["item_embeddings.weight"];
        for (int k = 0; k < tail.Length; k++)
        {
            Assert.True(table[tail[k]].allclose(expected[k], 1e-5, 1e-6), $"tail item {tail[k]}");
        }
    }

    [Fact]
    public void EachMeltSwitchRemovesItsBranch()
    {
        using var services = TestServices.Build();
        var names = new Dictionary<string, string[]>();
        foreach (var (label, options) in new[] { ("both", new MeltOptions()), ("no-user", new MeltOptions { UserBranch = false }), ("no-item", new MeltOptions { ItemBranch = false }) })
        {
            using var model = Create(services, "melt", options).Model;
            names[label] = ParameterNames(model);
        }
        string[] user = ["user_transfer.weight", "user_transfer.bias"], item = ["item_inference.weight", "item_inference.bias"];
        Assert.Equal(names["both"].Except(user).Order(), names["no-user"].Order());
        Assert.Equal(names["both"].Except(item).Order(), names["no-item"].Order());
    }

    [Fact]
    public void MeltTransfersOnlyTailUsersStates()
    {
        using var services = TestServices.Build();
        using var melt = (MeltRecommender)Create(services, "melt").Model;
        using var plain = Create(services, "melt", new MeltOptions { UserBranch = false }).Model;
        melt.eval();
        plain.eval();
        // Histories of T_U items are tail users', of T_U + 1 head users' (whatever the window keeps of them).
        int threshold = (int)Math.Floor(melt.UserThreshold);
        Assert.True(threshold >= 1, $"threshold {melt.UserThreshold}");
        var shortHistory = History(threshold);
        var longHistory = History(threshold + 1);
        using var noGrad = no_grad();
        var states = plain.EncodeHistories(shortHistory);
        var transfer = melt.named_children().Single(c => c.name == "user_transfer").module as TorchSharp.Modules.Linear;
        Assert.True(melt.EncodeHistories(shortHistory).allclose(TensorArithmetic.Plus(states, transfer!.call(states)), 1e-5, 1e-6));
        Assert.True(melt.EncodeHistories(longHistory).allclose(plain.EncodeHistories(longHistory), 1e-6, 1e-7));
    }

    [Fact]
    public void TrainerPacedCitiesTrainsOnlyItsInferenceNetworkAndReplacesOnlyTailItemsAfterEachEpoch()
    {
        using var services = TestServices.Build();
        var (model, teacher) = Create(services, "cities", new CitiesOptions { ConvergeBeforeReplacing = false });
        using var cities = (CitiesRecommender)model;
        var table = cities.state_dict()["item_embeddings.weight"];
        Assert.True(table.allclose(teacher["item_embeddings.weight"], 0, 0));

        cities.train();
        using var negatives = new NegativeSampler(Fixtures.Small);
        var loss = cities.ComputeLoss(Batch(), services.GetRequiredService<ComponentCatalog>().RankingLoss("bce"), negatives);
        loss.backward();
        foreach (var (name, parameter) in cities.named_parameters())
        {
            bool inference = name.StartsWith("inference.", StringComparison.Ordinal);
            Assert.Equal(inference, parameter.requires_grad);
            if (!inference)
            {
                Assert.Null(parameter.grad);
            }
        }
        Assert.True(cities.named_parameters().Single(p => p.name == "inference.output.weight").parameter.grad!.abs().sum().item<float>() > 0);

        cities.OnEpochTrained(new TrainingEpoch { Number = 1, Count = 10, Steps = 2 });
        AssertOnlyTailRowsReplaced(table, teacher["item_embeddings.weight"]);
    }

    [Fact]
    public void CitiesOnItsOwnScheduleTrainsOnlyItsInferenceNetworkUntilTheHeldOutLossStopsFallingThenReplacesOnlyTailItems()
    {
        using var services = TestServices.Build();
        var options = new CitiesOptions { InferenceLearningRate = 1e-2, InferenceWarmupSteps = 5, InferencePatience = 3 };
        var (model, teacher) = Create(services, "cities", options);
        using var cities = (CitiesRecommender)model;
        Assert.True(cities.TrainsOnOwnSchedule);
        var before = cities.state_dict().ToDictionary(w => w.Key, w => w.Value.detach().clone());
        var table = cities.state_dict()["item_embeddings.weight"];

        // The trainer's epoch hook leaves the table alone: the rows are replaced once, after convergence.
        cities.OnEpochTrained(new TrainingEpoch { Number = 1, Count = 10, Steps = 2 });
        Assert.True(table.allclose(teacher["item_embeddings.weight"], 0, 0));

        var reports = new List<TrainingProgress>();
        var result = cities.TrainOnOwnSchedule(new Progress(reports.Add), CancellationToken.None);
        Assert.True(result.Converged);
        Assert.Equal(result.BestEpoch + options.InferencePatience, result.Epochs);
        Assert.True(result.BestLoss > 0 && double.IsFinite(result.BestLoss), $"held-out MSE {result.BestLoss}");
        Assert.Equal(Enumerable.Range(1, result.Epochs), reports.Select(r => r.Epoch));
        Assert.All(reports, r => Assert.Null(r.Validation));

        foreach (var (name, weight) in cities.state_dict().Where(w => w.Key != "item_embeddings.weight"))
        {
            bool same = weight.allclose(before[name], 0, 0);
            Assert.True(name.StartsWith("inference.", StringComparison.Ordinal) ? !same || name.EndsWith("positions", StringComparison.Ordinal) : same, $"{name}: unchanged {same}");
        }
        AssertOnlyTailRowsReplaced(table, teacher["item_embeddings.weight"]);
    }

    [Fact]
    public void CitiesOwnScheduleStopsAtItsEpochLimitUnconverged()
    {
        using var services = TestServices.Build();
        using var cities = (CitiesRecommender)Create(services, "cities", new CitiesOptions { InferenceMaxEpochs = 3, InferencePatience = 50 }).Model;
        var result = cities.TrainOnOwnSchedule(null, CancellationToken.None);
        Assert.Equal(3, result.Epochs);
        Assert.False(result.Converged);
    }

    [Fact]
    public void TheTrainerKeepsAnOwnScheduleModelAsOneValidatedEpoch()
    {
        using var services = TestServices.Build();
        using var cities = (CitiesRecommender)Create(services, "cities", new CitiesOptions { InferenceLearningRate = 1e-2, InferenceWarmupSteps = 5, InferencePatience = 2 }).Model;
        var trainer = services.GetRequiredService<RecommenderTrainer>();
        var fit = trainer.Fit(cities, Fixtures.Small, new TrainingOptions { Model = "cities", Epochs = 5, HiddenSize = 8, MaxLength = 6, Layers = 1, Heads = 2, Dropout = 0.1, EvaluationProtocol = "full" });
        var epoch = Assert.Single(fit.History);
        Assert.Equal(1, fit.BestEpoch);
        Assert.True(fit.StoppedEarly);
        Assert.True(epoch.Loss > 0, $"held-out MSE {epoch.Loss}");
        Assert.Contains("NDCG@10", epoch.Validation.Keys);
    }

    [Fact]
    public void AModelWithoutAScheduleOfItsOwnRefusesToTrainByOne()
    {
        using var services = TestServices.Build();
        using var sasrec = Fixtures.Create(services, "sasrec");
        Assert.False(sasrec.TrainsOnOwnSchedule);
        Assert.Throws<NotSupportedException>(() => sasrec.TrainOnOwnSchedule(null, CancellationToken.None));
    }

    [Fact]
    public void CitiesRunsRecordedBeforeTheOfficialScheduleReadBackAsTrainerPacedAndAreNotReusedAsIt()
    {
        using var services = TestServices.Build();
        var catalog = services.GetRequiredService<ComponentCatalog>();
        var current = RecommenderModels.Serialize(new CitiesOptions());
        Assert.Equal(new CitiesOptions(), RecommenderModels.Deserialize(catalog, "cities", current));

        var older = System.Text.Json.Nodes.JsonNode.Parse(current.GetRawText())!.AsObject();
        Assert.True(older.Remove("convergeBeforeReplacing"));
        var read = RecommenderModels.Deserialize(catalog, "cities", System.Text.Json.JsonSerializer.SerializeToElement(older));
        Assert.Equal(new CitiesOptions { ConvergeBeforeReplacing = false }, read);
        Assert.Contains(RunManifest.ModelOptionDifferences(read, new CitiesOptions()), difference => difference.Contains("convergeBeforeReplacing", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(1, 1e-3, 1e-1)]
    [InlineData(1_000_000_000, 0, 1e-7)]
    public void TheCitiesWarmUpScalesTheOptimisersSteps(int warmupSteps, double leastChange, double mostChange)
    {
        // Adam moves each weight by about the learning rate per step whatever the gradient's scale, so three steps at 1e-2 move
        // the output layer by ~1e-2, and at 1e-2 / 1e9 (the first steps of a 10⁹-step warm-up) by ~1e-11.
        using var services = TestServices.Build();
        var options = new CitiesOptions { InferenceLearningRate = 1e-2, InferenceWarmupSteps = warmupSteps, InferenceMaxEpochs = 3, InferencePatience = 10 };
        using var cities = (CitiesRecommender)Create(services, "cities", options).Model;
        var before = cities.state_dict()["inference.output.weight"].detach().clone();
        cities.TrainOnOwnSchedule(null, CancellationToken.None);
        double change = cities.state_dict()["inference.output.weight"].sub(before).abs().max().item<float>();
        Assert.InRange(change, leastChange, mostChange);
    }

    [Theory]
    [InlineData(0, 0.01)]
    [InlineData(49, 0.5)]
    [InlineData(99, 1.0)]
    [InlineData(100, 1.0)]
    [InlineData(500_050, 0.5)]
    [InlineData(999_999, 1.0 / 999_900)]
    public void CitiesLearningRateFollowsTheOfficialWarmUpAndDecay(int step, double factor)
    {
        // pytorch_warmup's LinearWarmup(100): min(1, (t + 1) / 100); the official LambdaLR(1,000,000, 100): 1 - max(0, t - 100) / 999,900.
        Assert.Equal(factor, CitiesInferenceFit.LearningRateFactor(step, 100), 12);
    }

    [Fact]
    public void TheCitiesAggregatorSwitchRemovesTheAggregator()
    {
        using var services = TestServices.Build();
        using var full = Create(services, "cities").Model;
        using var plain = Create(services, "cities", new CitiesOptions { ContextAggregator = false }).Model;
        var aggregator = ParameterNames(full).Where(name => name.StartsWith("inference.aggregator.", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(aggregator);
        Assert.Equal(ParameterNames(full).Except(aggregator).Order(), ParameterNames(plain).Order());
    }

    [Fact]
    public void MeltContextsEndWithTheirItemBothWays()
    {
        var contexts = MeltBranchData.ContextsOf([1, 2, 3], 4).Select(c => (c.Item, string.Join(",", c.Row))).ToArray();
        Assert.Equal(
            [(1, "0,0,0,1"), (1, "0,3,2,1"), (2, "0,0,1,2"), (2, "0,0,3,2"), (3, "0,1,2,3"), (3, "0,0,0,3")],
            contexts);
    }

    [Fact]
    public void CitiesContextsMaskTheItemBetweenItsNeighbours()
    {
        var contexts = CitiesContexts.ContextsOf([1, 2, 3, 4, 5], 2).Select(c => (c.Item, string.Join(",", c.Row))).ToArray();
        Assert.Equal(
            [(1, "0,0,0,2,3"), (2, "0,1,0,3,4"), (3, "1,2,0,4,5"), (4, "2,3,0,5,0"), (5, "3,4,0,0,0")],
            contexts);
        // Fewer than two neighbours give no context, as the official code.
        Assert.Empty(CitiesContexts.ContextsOf([1, 2], 2));
    }

    [Fact]
    public void MeltCurriculumWeightsAndThresholdsMatchHandComputedValues()
    {
        // Hand-computed: |sin(π/(2·45)·5)| = sin(π/18); |sin(π/4)|; sin(0.2π); sin(0.49π) (occurrences capped at T_I + 50).
        Assert.Equal(Math.Sin(Math.PI / 18), MeltCurriculum.UserWeight(0, 10, 4, 50), 12);
        Assert.Equal(Math.Sqrt(0.5), MeltCurriculum.UserWeight(0.5, 5, 4, 50), 12);
        Assert.Equal(Math.Sin(0.2 * Math.PI), MeltCurriculum.ItemWeight(0, 30, 9), 12);
        Assert.Equal(Math.Sin(0.49 * Math.PI), MeltCurriculum.ItemWeight(0, 100, 9), 12);
        // NumPy: np.quantile([1, 2, 3, 4, 5], 0.8) = 4.2, np.quantile([3, 1], 0.78) = 2.56.
        Assert.Equal(4.2, TrainingPopularity.Quantile([5, 1, 4, 2, 3], 0.8), 12);
        Assert.Equal(2.56, TrainingPopularity.Quantile([3, 1], 0.78), 12);
        // The user branch's recent windows: NumPy's randint(1, T_U) gives 1..4 for T_U = 5 and for T_U = 5.4 (int(5.4) = 5).
        Assert.Equal(4, MeltBranchData.RecentWindowLimit(5));
        Assert.Equal(4, MeltBranchData.RecentWindowLimit(5.4));
        Assert.Equal(1, MeltBranchData.RecentWindowLimit(1.5));
    }
}

file sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
{
    public void Report(TrainingProgress value) => report(value);
}
