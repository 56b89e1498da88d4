using TorchSharp;

namespace LlmCfsr.Models;

/// <summary>
/// One training step's data, on the model's device. <see cref="Items"/> are left-padded with 0;
/// <see cref="Targets"/> holds the item each position must predict, 0 where a position predicts nothing
/// (padding, unmasked positions in masked training, all but the last column in last-position training).
/// </summary>
public sealed record TrainingBatch
{
    /// <summary>User ids (1-based) [b], int64; used to exclude each user's own items from sampled negatives.</summary>
    public required torch.Tensor Users { get; init; }

    /// <summary>Input item ids [b, L], int64, left-padded with 0.</summary>
    public required torch.Tensor Items { get; init; }

    /// <summary>Target item per position [b, L], int64, 0 where nothing is predicted.</summary>
    public required torch.Tensor Targets { get; init; }

    /// <summary>Positions whose input the backbone replaces by its mask embedding [b, L] (bool), masked training only.</summary>
    public torch.Tensor? MaskedPositions { get; init; }
}
