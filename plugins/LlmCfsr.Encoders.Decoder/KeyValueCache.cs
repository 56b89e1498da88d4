using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// Keys and values of the positions already processed, per layer ([batch, kvHeads, length, headSize], after
/// rotary embedding and before grouped-query repetition), so incremental decoding computes each position once.
/// The tensors live outside dispose scopes and are released by <see cref="Dispose"/>.
/// </summary>
internal sealed class KeyValueCache : IDisposable
{
    private readonly Tensor?[] _keys;
    private readonly Tensor?[] _values;

    public KeyValueCache(int layers)
    {
        _keys = new Tensor?[layers];
        _values = new Tensor?[layers];
    }

    /// <summary>Positions cached so far.</summary>
    public long Length { get; private set; }

    /// <summary>Appends this step's keys and values of <paramref name="layer"/>; returns the full (cached + new) tensors.</summary>
    public (Tensor Keys, Tensor Values) Append(int layer, Tensor keys, Tensor values)
    {
        var allKeys = _keys[layer] is { } pastKeys ? torch.cat(new[] { pastKeys, keys }, dim: 2) : keys.alias();
        var allValues = _values[layer] is { } pastValues ? torch.cat(new[] { pastValues, values }, dim: 2) : values.alias();
        _keys[layer]?.Dispose();
        _values[layer]?.Dispose();
        _keys[layer] = allKeys.detach().DetachFromDisposeScope();
        _values[layer] = allValues.detach().DetachFromDisposeScope();
        return (_keys[layer]!, _values[layer]!);
    }

    /// <summary>Records that <paramref name="positions"/> more positions went through every layer.</summary>
    public void Advance(long positions) => Length += positions;

    public void Dispose()
    {
        foreach (var tensor in _keys.Concat(_values))
        {
            tensor?.Dispose();
        }
    }
}
