using System.Text.Json;
using LlmCfsr.Storage;

namespace LlmCfsr.Training;

/// <summary>The trainer's own state after a completed epoch: enough to continue exactly where it stopped.</summary>
internal sealed record TrainerState
{
    public required int Epoch { get; init; }

    public required double BestNdcg { get; init; }

    public required int BestEpoch { get; init; }

    public required int EpochsWithoutImprovement { get; init; }

    /// <summary>torch's default CPU generator state (base64).</summary>
    public required string RandomState { get; init; }

    public required IReadOnlyList<EpochRecord> History { get; init; }

    public static TrainerState Read(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainerState>(File.ReadAllText(path), RunManifest.Json)
                ?? throw new InvalidDataException($"{path}: empty trainer state.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: not a valid trainer state (line {e.LineNumber + 1}, field '{e.Path}'): {e.Message}", e);
        }
    }

    public void Write(AtomicFileWriter writer, string path) => writer.WriteAllText(path, JsonSerializer.Serialize(this, RunManifest.Json));
}
