// LlmCfsr quickstart: the whole LLM-CFSR pipeline on a fresh machine, no download needed.
//   1. data: a prepared dataset folder (--data DIR, from `llmcfsr data prepare`) or a seeded synthetic catalogue
//   2. semantic item embeddings from the offline MiniLM encoder, cached in a safetensors file
//   3. train id-only SASRec and LLM-CFSR (dual view, cross-attention fusion, shared SASRec, BPR)
//   4. compare them overall and on long-tail items and users
//   5. export LLM-CFSR as a model bundle, load it as an application would, print one user's top-10 with item names,
//      add a new item from its text and show the users it would now be recommended to
// Usage: dotnet run --project samples/LlmCfsr.Quickstart [-- --data PREPARED_DIR] [--out DIR] [--epochs N] [--threads N]
using LlmCfsr.Data;
using LlmCfsr.Data.Synthetic;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Encoders;
using LlmCfsr.Evaluation;
using LlmCfsr.Prompts;
using LlmCfsr.Recommendation;
using LlmCfsr.Runtime;
using LlmCfsr.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

var arguments = QuickstartArguments.Parse(args);
// Before any torch call: the thread count (--threads, LLMCFSR_THREADS, else libtorch's own: its cores) and passive OpenMP waiting.
TorchThreadPolicy.PrepareProcess(arguments.Threads);
var threads = TorchThreadPolicy.Current;
Console.WriteLine($"Torch threads: {threads.Threads} ({threads.Source}); OpenMP wait: {threads.WaitPolicy}.");
Directory.CreateDirectory(arguments.OutputFolder);

var services = new ServiceCollection()
    .AddLogging(logging => logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
services.AddLlmCfsr()
    .AddSasRec()
    .AddCrossAttentionFusion()
    .AddStandardRankingLosses()
    .AddMiniLmEncoder()
    .AddIdOnlyRecommender("sasrec")
    .AddLlmEnhancedRecommenders()
    .Validate();
using var provider = services.BuildServiceProvider();

// 1. Data.
PreparedDataset dataset = arguments.DataFolder is { } folder
    ? PreparedDatasetStore.Load(folder)
    : SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 1500, Items = 600, Seed = 7 }).Dataset;
Console.WriteLine($"Dataset '{dataset.Name}': {dataset.UserCount:N0} users, {dataset.ItemCount:N0} items, {dataset.InteractionCount:N0} interactions.");

// 2. Semantic embeddings, computed once and cached (the encoder never runs at recommendation time).
var embeddingsPath = Path.Combine(arguments.OutputFolder, "item-embeddings.safetensors");
var encoder = provider.GetRequiredService<ComponentCatalog>().SemanticEncoder("minilm");
var template = ItemPromptTemplates.ForDataset(dataset.Name);
Console.WriteLine($"Embedding items with {encoder.ModelId} ({encoder.Dimension}-d), e.g.: \"{template.Render(dataset.ItemAttributes[0])}\"");
var embeddings = new ItemEmbeddingGenerator(encoder, template).Generate(
    dataset, embeddingsPath, new Progress<ItemEmbeddingProgress>(p => Status($"  {p.Completed}/{p.Total} items, {p.ItemsPerSecond:F0} items/s")));
Console.WriteLine($"\r  {embeddings.ItemOrder.Count} items -> {embeddingsPath}".PadRight(60));

// 3. Train both models with the same settings.
var trainer = provider.GetRequiredService<RecommenderTrainer>();
var reports = new Dictionary<string, EvaluationReport>();
foreach (var model in new[] { "sasrec", "llm-cfsr-no-cft" })
{
    var options = new TrainingOptions
    {
        Model = model,
        Loss = "bpr",
        Epochs = arguments.Epochs,
        Patience = 3,
        // MiniLM's raw embeddings: LLM-CFSR without its CFT step (llm-cfsr itself reads CFT-fine-tuned embeddings, README).
        RawSemanticEmbeddingsPath = model == "sasrec" ? null : embeddingsPath,
    };
    Console.WriteLine($"Training {model} (up to {options.Epochs} epochs, early stopping on validation NDCG@10)...");
    var progress = new Progress<TrainingProgress>(p =>
    {
        var line = $"  epoch {p.Epoch}/{p.Epochs} step {p.Step}/{p.StepsPerEpoch} loss {p.Loss:F4} {p.SequencesPerSecond:N0} seq/s";
        if (p.Validation is { } validation && validation.TryGetValue("NDCG@10", out var ndcg))
        {
            Console.WriteLine($"\r{line} validation NDCG@10 {ndcg:F4}".PadRight(90));
        }
        else
        {
            Status(line);
        }
    });
    using var result = trainer.Train(new TrainingRequest
    {
        Dataset = dataset,
        Options = options,
        RunDirectory = Path.Combine(arguments.OutputFolder, model),
        Mode = TrainingRunMode.Overwrite,
    }, progress);
    reports[model] = result.Test;
}

// 4. Compare on the test split (sampled:100 protocol), overall and on the long tail.
Console.WriteLine();
Console.WriteLine($"{"group",-10} {"metric",-8} {"sasrec",8} {"llm-cfsr-no-cft",16}");
foreach (var group in new[] { EvaluationGroupNames.Overall, EvaluationGroupNames.TailItem, EvaluationGroupNames.HeadItem, EvaluationGroupNames.TailUser, EvaluationGroupNames.HeadUser })
{
    foreach (var metric in new[] { "HR@10", "NDCG@10" })
    {
        Console.WriteLine($"{group,-10} {metric,-8} {reports["sasrec"].Groups[group][metric],8:F4} {reports["llm-cfsr-no-cft"].Groups[group][metric],16:F4}");
    }
}
var test = PairedTTest.Compare(reports["llm-cfsr-no-cft"], reports["sasrec"], "NDCG@10");
Console.WriteLine($"Paired t-test on overall NDCG@10 (llm-cfsr-no-cft vs sasrec): t = {test.T:F2}, p = {test.PValue:G3} over {test.Pairs} users");
Console.WriteLine($"Runs, checkpoints and metrics.json: {Path.GetFullPath(arguments.OutputFolder)}");

// 5. Serve: export the LLM-CFSR run as a self-contained bundle and load it as an application would (no dataset, no trainer).
var bundlePath = Path.Combine(arguments.OutputFolder, "bundle");
RecommenderBundle.Export(new RunDirectory(Path.Combine(arguments.OutputFolder, "llm-cfsr-no-cft")), dataset, bundlePath, provider);
using var bundle = RecommenderBundle.Load(bundlePath, provider);
Console.WriteLine($"Bundle written to {Path.GetFullPath(bundlePath)} (also: llmcfsr recommend --bundle {bundlePath} --history ID,ID,...)");
var user = dataset.Sequences.Select(s => s.Length).ToList().IndexOf(dataset.Sequences.Max(s => s.Length)) + 1;
var history = Histories(dataset, [user])[0];
Console.WriteLine($"Top-10 for user {dataset.UserSourceIds[user - 1]} (history of {history.Count} items, newest: {bundle.DisplayName(history[^1])}):");
foreach (var (item, rank) in bundle.Recommend(history, 10).Items.Select((item, i) => (item, i + 1)))
{
    Console.WriteLine($"  {rank,2}. {item.ItemId,-10} {item.Score,7:F3}  {bundle.DisplayName(item.ItemId)}");
}

// A new item, never seen in training, from its text alone: it takes the attributes of the user's newest item under a new title.
var newest = dataset.ItemAttributes[dataset.ItemSourceIds.ToList().IndexOf(history[^1])];
var title = $"New: {newest.DisplayName}";
var newItem = new NewItem("new-item-1", new ItemAttributes([new("title", title), .. newest.Pairs.Where(p => p.Key != "title")]));
bundle.AddItems([newItem], encoder, template);
var users = Enumerable.Range(1, Math.Min(dataset.UserCount, 1000)).ToList();
var rankings = bundle.RecommendBatch(Histories(dataset, users), bundle.ItemCount);
var ranks = users.Select((u, i) => (User: u, Rank: rankings[i].Items.Select(item => item.ItemId).ToList().IndexOf(newItem.Id) + 1)).Where(r => r.Rank > 0).OrderBy(r => r.Rank).ToList();
Console.WriteLine($"Added '{title}' from its text alone: in the top-10 of {ranks.Count(r => r.Rank <= 10)} and the top-50 of {ranks.Count(r => r.Rank <= 50)} of {users.Count} users "
    + $"(of {bundle.ItemCount} items); ranked highest for {string.Join(", ", ranks.Take(5).Select(r => $"{dataset.UserSourceIds[r.User - 1]} (#{r.Rank})"))}.");
return 0;

// The users' histories as source item ids (training part: the last two items are the validation and test targets).
static IReadOnlyList<IReadOnlyList<string>> Histories(PreparedDataset dataset, IReadOnlyList<int> users)
    => [.. users.Select(u => (IReadOnlyList<string>)[.. dataset.TrainingSequence(u).ToArray().Select(i => dataset.ItemSourceIds[i - 1])])];

// Live status on a terminal; nothing when output is redirected, so logs keep one line per epoch.
static void Status(string line)
{
    if (!Console.IsOutputRedirected)
    {
        Console.Write($"\r{line}".PadRight(90));
    }
}
