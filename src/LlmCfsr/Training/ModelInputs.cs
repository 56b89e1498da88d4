using System.Security.Cryptography;
using LlmCfsr.Data;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Embeddings;
using LlmCfsr.Models;
using LlmCfsr.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Training;

/// <summary>
/// Loads the model inputs a model declares from the paths a <see cref="TrainingOptions"/> gives (item embeddings of each
/// kind, a teacher run, user embeddings), checks each against the dataset (item order, user order, dataset fingerprint) and
/// its kind (each item-embedding input takes one kind of cache, the user embeddings must come from an encoder that was not
/// fine-tuned) with errors naming the file and the field, and builds the <see cref="RecommenderModelInputs"/> plus the records
/// for <c>run.json</c>.
/// </summary>
internal static class ModelInputs
{
    /// <summary>
    /// The inputs <paramref name="model"/> declares (<see cref="RecommenderModelOptions.Inputs"/>, or <paramref name="load"/>),
    /// with the backbone sizes it configures (<see cref="TrainingOptions.BackboneFor"/>), from the paths <paramref name="options"/>
    /// give, for training or, with <paramref name="forScoring"/>, for rebuilding a trained model: the inputs only training
    /// needs (<see cref="RecommenderModelInputs.TrainingOnly"/>) are not loaded, and the kinds of the item embeddings are not
    /// checked again (the run was trained on them; its records hold their checksums).
    /// </summary>
    public static (RecommenderModelInputs Inputs, IReadOnlyList<ModelInputRecord> Records) Load(
        TrainingOptions options, RecommenderModelOptions model, PreparedDataset dataset, ComponentCatalog catalog, bool forScoring = false, ModelInput? load = null)
    {
        var declared = load ?? model.Inputs;
        var records = new List<ModelInputRecord>();
        var items = ModelInputDescriptions.ItemEmbeddings.ToDictionary(input => input,
            input => declared.HasFlag(input) ? LoadItems(options.PathOf(input), input, dataset, records, checkKind: !forScoring) : null);
        UserEmbeddingCache? users = null;
        if (options.UserEmbeddingsPath is { } userPath && declared.HasFlag(ModelInput.UserEmbeddings) && !forScoring)
        {
            users = UserEmbeddingCache.Load(userPath);
            users.EnsureMatches(dataset, userPath);
            if (users.FineTuned)
            {
                throw new InvalidDataException(
                    $"{userPath}: metadata field 'kind' is '{users.Kind}' (adapter '{users.Adapter}') but TrainingOptions.UserEmbeddingsPath needs LLM-ESR's raw LLM user embeddings; "
                    + "embed the users without an adapter and pass that file.");
            }
            records.Add(Record(nameof(TrainingOptions.UserEmbeddingsPath), userPath, users.Fingerprint, userPath));
        }
        Tensor? teacher = null;
        Dictionary<string, Tensor>? teacherWeights = null;
        if (options.TeacherRunDirectory is { } teacherPath && declared.HasFlag(ModelInput.TeacherRun) && !forScoring)
        {
            var run = new RunDirectory(teacherPath);
            if (!run.HoldsRun)
            {
                throw new ArgumentException($"TeacherRunDirectory '{teacherPath}' holds no run ({Path.GetFileName(run.Manifest)} is missing); train the teacher first, e.g. 'llmcfsr train --model sasrec'.");
            }
            var manifest = RunManifest.Read(run.Manifest);
            if (!manifest.Completed)
            {
                throw new ArgumentException($"{run.Manifest}: the teacher run is not finished; complete it (--resume) before using it as a teacher.");
            }
            using var teacherModel = TrainedRun.LoadBestModelDrawingFromTheGenerator(catalog, run, dataset, CPU);
            using (no_grad())
            {
                using var end = (dataset.ItemCount + 1).ToScalar();
                using var ids = TensorArithmetic.Arange(end, ScalarType.Int64, device: null);
                teacher = teacherModel.ItemRepresentations(ids).detach().clone();
                teacherWeights = teacherModel.state_dict().ToDictionary(weight => weight.Key, weight => weight.Value.detach().clone());
            }
            records.Add(Record(nameof(TrainingOptions.TeacherRunDirectory), run.Path, $"{manifest.Options.Model}|{manifest.Dataset.Fingerprint}", run.BestWeights));
        }
        var inputs = new RecommenderModelInputs
        {
            ItemCount = dataset.ItemCount,
            Backbone = options.BackboneFor(model),
            TeacherItemEmbeddings = teacher,
            TeacherWeights = teacherWeights,
            UserEmbeddings = users?.ToTensor(),
            TrainingData = dataset,
        };
        foreach (var (input, cache) in items)
        {
            inputs = inputs.WithItemTable(input, cache?.ToTensor(withPaddingRow: true));
        }
        return (inputs, records);
    }

    private static ItemEmbeddingCache? LoadItems(string? path, ModelInput input, PreparedDataset dataset, List<ModelInputRecord> records, bool checkKind)
    {
        if (path is null)
        {
            return null;
        }
        var info = ItemEmbeddingCache.ReadInfo(path);
        // Any encoder is accepted here; what must hold is that row i - 1 is the dataset's item i.
        info.EnsureMatches(info.Fingerprint, dataset.ItemSourceIds);
        info.EnsureDataset(dataset);
        if (checkKind)
        {
            ItemEmbeddingKinds.Ensure(info.Fingerprint, input, path);
        }
        var fingerprint = info.Fingerprint;
        records.Add(Record(ModelInputDescriptions.TrainingOptions[input], path,
            $"{fingerprint.Encoder}|{fingerprint.Kind}|adapter={fingerprint.Adapter}|{fingerprint.PromptTemplate}|normalized={fingerprint.Normalized}"
            + (fingerprint.Objective is { } objective ? $"|objective={objective}" : ""), path));
        return ItemEmbeddingCache.Load(path);
    }

    private static ModelInputRecord Record(string option, string path, string fingerprint, string hashedFile)
    {
        using var stream = File.OpenRead(hashedFile);
        return new ModelInputRecord
        {
            Option = option,
            Path = Path.GetFullPath(path),
            Fingerprint = fingerprint,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(stream)),
        };
    }
}
