using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// A frozen table a model reads but never trains or saves (LLM item embeddings, LLM2X's reduced table, a teacher's
/// item table, LLM-ESR's neighbour lists): kept outside the module's parameters and buffers, so checkpoints stay
/// small and are rebuilt from the input files recorded in run.json. It follows the model: <see cref="On"/>
/// returns it on the requested device (and floating dtype), moving it once when the model moved.
/// </summary>
internal sealed class FrozenTable : IDisposable
{
    private Tensor _table;

    /// <summary>Takes ownership of <paramref name="table"/>.</summary>
    public FrozenTable(Tensor table)
    {
        ArgumentNullException.ThrowIfNull(table);
        _table = table.detach().DetachFromDisposeScope();
        if (!ReferenceEquals(_table, table))
        {
            table.Dispose();
        }
    }

    /// <summary>The table's shape.</summary>
    public long[] Shape => _table.shape;

    /// <summary>The table on <paramref name="device"/>, in <paramref name="dtype"/> when given (floating tables only).</summary>
    public Tensor On(Device device, ScalarType? dtype = null)
    {
        bool sameDevice = _table.device.type == device.type && _table.device.index == device.index;
        if (!sameDevice || (dtype is { } wanted && _table.dtype != wanted))
        {
            var moved = _table.to(dtype ?? _table.dtype, device);
            _table.Dispose();
            _table = moved.DetachFromDisposeScope();
        }
        return _table;
    }

    /// <summary>A new handle on the table as float32 on the CPU (sharing its storage when it is already there), leaving the table where it is.</summary>
    public Tensor CpuFloat32() => _table.detach().to(ScalarType.Float32, CPU);

    /// <summary>Rows <paramref name="ids"/> [...] of the table: [..., columns], on the ids' device.</summary>
    public Tensor Rows(Tensor ids, ScalarType? dtype = null)
    {
        var table = On(ids.device, dtype);
        return table.index_select(0, ids.reshape(-1)).reshape([.. ids.shape, table.shape[1]]);
    }

    /// <inheritdoc />
    public void Dispose() => _table.Dispose();
}
