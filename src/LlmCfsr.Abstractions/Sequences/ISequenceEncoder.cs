using TorchSharp;

namespace LlmCfsr.Sequences;

/// <summary>
/// A sequence backbone (SASRec, GRU4Rec, BERT4Rec, ...): turns a batch of item-embedding sequences into
/// hidden states, one per position. Item embeddings come from outside (an id table, an adapter over LLM
/// embeddings, a fusion of both), so one backbone serves every method. Sequences are left-padded: the
/// most recent item sits in the last column.
/// </summary>
public interface ISequenceEncoder
{
    /// <summary>The name the backbone is registered under (e.g. "sasrec").</summary>
    string Name { get; }

    /// <summary>Size of the input embeddings and of the hidden states.</summary>
    int HiddenSize { get; }

    /// <summary>Causal backbones let a position see only earlier positions; bidirectional ones see all.</summary>
    SequenceDirection Direction { get; }

    /// <summary>The module that holds the parameters, for registration inside a model, saving and device moves.</summary>
    torch.nn.Module Module { get; }

    /// <summary>
    /// Encodes <paramref name="itemEmbeddings"/> [batch, length, HiddenSize] where <paramref name="paddingMask"/>
    /// [batch, length] (bool) is true at real items. <paramref name="maskedPositions"/> [batch, length] (bool),
    /// used by masked-item backbones such as BERT4Rec, marks positions whose input the backbone replaces by its
    /// learned mask embedding; causal backbones reject it. Returns hidden states [batch, length, HiddenSize];
    /// states at padding positions are unspecified.
    /// </summary>
    torch.Tensor Encode(torch.Tensor itemEmbeddings, torch.Tensor paddingMask, torch.Tensor? maskedPositions = null);

    /// <summary>
    /// The hidden state [batch, HiddenSize] of the last position (the newest column) only: what scoring a history
    /// needs. In evaluation mode it equals the last column of <see cref="Encode"/> for the same arguments; in training
    /// mode it follows the same distribution. A backbone may compute it with less work (a Transformer's last block needs
    /// only the last query); this default runs <see cref="Encode"/> and takes the last column.
    /// </summary>
    torch.Tensor EncodeLast(torch.Tensor itemEmbeddings, torch.Tensor paddingMask, torch.Tensor? maskedPositions = null)
    {
        System.ArgumentNullException.ThrowIfNull(itemEmbeddings);
        using var scope = torch.NewDisposeScope();
        var states = Encode(itemEmbeddings, paddingMask, maskedPositions);
        return states.select(1, states.shape[1] - 1).MoveToOuterDisposeScope();
    }
}
