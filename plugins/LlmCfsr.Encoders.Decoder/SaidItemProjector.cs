using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// SAID's item side (Hu et al., "Enhancing Sequential Recommendation via LLM-based Semantic Embedding Learning", WWW 2024
/// companion, doi 10.1145/3589335.3648307): a trainable item-id embedding table and the projector that maps an item's id
/// embedding to <c>k</c> soft tokens in the LLM's input-embedding space. The projector is a two-layer MLP
/// (linear, GELU, linear), the usual LLM input projector; the paper names it without fixing its layers. Stage 2 reads
/// the id table (row 0 is the padding id), as the SAID baseline of LLMEmb's public code (liuqidong07/LLMEmb) exports it.
/// </summary>
internal sealed class SaidItemProjector : nn.Module<Tensor, Tensor>
{
    private readonly Embedding item_embeddings;
    private readonly Linear hidden;
    private readonly Linear output;
    private readonly int _softTokens;
    private readonly int _llmDimension;

    /// <summary>Creates the table [<paramref name="itemCount"/> + 1, <paramref name="itemDimension"/>] and the projector to <paramref name="softTokens"/> × <paramref name="llmDimension"/>.</summary>
    public SaidItemProjector(int itemCount, int itemDimension, int llmDimension, int softTokens) : base(nameof(SaidItemProjector))
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(itemCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(itemDimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(llmDimension, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(softTokens, 1);
        _softTokens = softTokens;
        _llmDimension = llmDimension;
        item_embeddings = nn.Embedding(itemCount + 1, itemDimension, padding_idx: 0);
        InitializeItemTable();
        hidden = nn.Linear(itemDimension, llmDimension);
        output = nn.Linear(llmDimension, softTokens * llmDimension);
        RegisterComponents();
    }

    /// <summary>
    /// Normal(0, 0.02) rows and a zero padding row, as Hugging Face initialises embeddings in the LLM this table joins
    /// (initializer_range 0.02): each row is updated only when its item is in a batch, so a unit-variance start (PyTorch's
    /// default) would keep the rows close to random noise for many epochs.
    /// </summary>
    private void InitializeItemTable()
    {
        using var noGrad = torch.no_grad();
        nn.init.normal_(item_embeddings.weight!, 0, 0.02);
        item_embeddings.weight![0].zero_();
    }

    /// <summary>The item-id table [items + 1, d] (row 0 padding): what SAID's stage 2 reads.</summary>
    public Parameter ItemTable => item_embeddings.weight!;

    /// <summary>Soft tokens [batch, k, d_llm] (float32) of item ids [batch].</summary>
    public override Tensor forward(Tensor itemIds)
    {
        using var scope = NewDisposeScope();
        var projected = output.call(nn.functional.gelu(hidden.call(item_embeddings.call(itemIds))));
        return projected.view(itemIds.shape[0], _softTokens, _llmDimension).MoveToOuterDisposeScope();
    }
}
