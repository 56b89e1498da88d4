using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.Gru4Rec;

/// <summary>
/// GRU4Rec (Hidasi et al., 2016, in the RecBole formulation): embedding dropout, stacked GRU layers and a
/// linear projection back to the hidden size. Left-padded rows are shifted to the front and packed, so the
/// recurrence starts at each user's first real item and padding never touches the state.
/// </summary>
internal sealed class Gru4RecEncoder : SequenceEncoderModule
{
    private readonly Dropout embedding_dropout;
    private readonly GRU gru;
    private readonly Linear projection;

    /// <summary>Creates the backbone with fresh parameters on the CPU.</summary>
    public Gru4RecEncoder(SequenceEncoderSettings settings, Gru4RecOptions options) : base(nameof(Gru4RecEncoder), settings)
    {
        ArgumentNullException.ThrowIfNull(options);
        int recurrent = options.RecurrentSize == 0 ? settings.HiddenSize : options.RecurrentSize;
        embedding_dropout = nn.Dropout(settings.Dropout);
        gru = nn.GRU(settings.HiddenSize, recurrent, settings.Layers, bias: true, batchFirst: true);
        projection = nn.Linear(recurrent, settings.HiddenSize);
        RegisterComponents();
    }

    /// <inheritdoc />
    public override string Name => "gru4rec";

    /// <inheritdoc />
    public override SequenceDirection Direction => SequenceDirection.Causal;

    /// <inheritdoc />
    protected override Tensor EncodeStates(Tensor itemEmbeddings, Tensor paddingMask, Tensor? maskedPositions)
    {
        long length = itemEmbeddings.shape[1];
        using var scope = NewDisposeScope();
        var device = itemEmbeddings.device;
        // Rows without any real item still get one step so packing accepts them; their states are unspecified.
        using var one = 1.ToScalar();
        using var width = length.ToScalar();
        var lengths = paddingMask.to(ScalarType.Int64).sum(1).clamp_min(one);
        var columns = TensorArithmetic.Arange(width, ScalarType.Int64, device).unsqueeze(0);
        var offsets = TensorArithmetic.Plus(lengths.neg(), width).unsqueeze(1);
        // Left-aligned column j of the packed input reads column (j + padding) of the left-padded input, and back.
        var toFront = TensorArithmetic.Plus(columns, offsets).remainder(width).unsqueeze(-1).expand(-1, -1, itemEmbeddings.shape[2]);
        var front = embedding_dropout.call(itemEmbeddings).gather(1, toFront);
        using var packed = nn.utils.rnn.pack_padded_sequence(front, lengths.cpu(), batch_first: true, enforce_sorted: false);
        var (packedOutput, _) = gru.call(packed, null);
        using (packedOutput)
        {
            var (states, _) = nn.utils.rnn.pad_packed_sequence(packedOutput, batch_first: true, total_length: length);
            var toBack = (columns - offsets).remainder(width).unsqueeze(-1).expand(-1, -1, states.shape[2]);
            return projection.call(states.gather(1, toBack)).MoveToOuterDisposeScope();
        }
    }
}
