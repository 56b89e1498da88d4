using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>
/// SAID's stage-1 objective: the decoder reads [BOS] · the item's k soft tokens · the item's text · EOS, and is scored
/// by teacher-forced next-token cross-entropy on the text tokens and the closing EOS only: BOS and the soft tokens are
/// context, never targets, and padding is masked out. The loss is the mean over every target token of the batch (as a
/// Hugging Face causal-LM loss with the other labels set to -100).
/// </summary>
internal sealed class SaidObjective
{
    private readonly DecoderTrainableEncoder _decoder;
    private readonly int[] _prefix;

    public SaidObjective(DecoderTrainableEncoder decoder, SaidItemProjector projector)
    {
        _decoder = decoder ?? throw new ArgumentNullException(nameof(decoder));
        Projector = projector ?? throw new ArgumentNullException(nameof(projector));
        _prefix = decoder.Tokenizer.BosTokenId is { } bos ? [bos] : [];
    }

    /// <summary>The id table and projector being trained.</summary>
    public SaidItemProjector Projector { get; }

    /// <summary>Positions before the text: the BOS prefix (if the model has one) and the soft tokens.</summary>
    public int ContextLength(int softTokens) => _prefix.Length + softTokens;

    /// <summary>The target tokens of <paramref name="text"/>: its tokens without BOS, at most <paramref name="maxTokens"/>, then EOS (when the model has one).</summary>
    public int[] TextTokens(string text, int maxTokens)
    {
        var tokenizer = _decoder.Tokenizer;
        var tokens = tokenizer.Encode(text ?? "").SkipWhile((t, i) => i == 0 && t == tokenizer.BosTokenId).Take(maxTokens);
        return (tokenizer.EosTokenId is { } eos ? tokens.Append(eos) : tokens).ToArray();
    }

    /// <summary>
    /// The negative log-likelihood of each target token [batch, longest text] (float32, with the graph) and the target mask
    /// (1 for a text token, 0 for padding) when item <paramref name="itemIds"/>[r]'s soft tokens precede <paramref name="texts"/>[r].
    /// </summary>
    public (Tensor Nll, Tensor TargetMask) TokenLosses(Tensor itemIds, IReadOnlyList<int[]> texts)
    {
        ArgumentNullException.ThrowIfNull(itemIds);
        ArgumentNullException.ThrowIfNull(texts);
        using var scope = torch.NewDisposeScope();
        var model = _decoder.Model;
        var (textIds, textMask) = DecoderBatch.Pad(texts, _decoder.Tokenizer.PadTokenId);
        textIds = textIds.to(model.Device);
        textMask = textMask.to(model.Device);
        long batch = textIds.shape[0];
        var soft = Projector.call(itemIds.to(model.Device)).to(model.DType);
        int context = _prefix.Length + (int)soft.shape[1];
        var parts = new List<Tensor>();
        if (_prefix.Length > 0)
        {
            var prefixIds = torch.tensor(_prefix.Select(t => (long)t).ToArray(), device: model.Device).unsqueeze(0).expand(batch, -1);
            parts.Add(model.TokenEmbeddings(prefixIds));
        }
        parts.Add(soft);
        parts.Add(model.TokenEmbeddings(textIds));
        var inputs = torch.cat(parts, 1);
        var mask = torch.cat([torch.ones(batch, context, dtype: ScalarType.Int64, device: model.Device), textMask], 1);
        // The position before text token j (the last context position for j = 0) predicts it.
        var logits = model.LogitsFromEmbeddings(inputs, mask).narrow(1, context - 1, textIds.shape[1]);
        var nll = nn.functional.log_softmax(logits, -1).gather(-1, textIds.unsqueeze(-1)).squeeze(-1).neg();
        var targetMask = textMask.to(ScalarType.Float32);
        return (nll.mul(targetMask).MoveToOuterDisposeScope(), targetMask.MoveToOuterDisposeScope());
    }

    /// <summary>The mean next-token loss over every target token of the batch.</summary>
    public Tensor Loss(Tensor itemIds, IReadOnlyList<int[]> texts)
    {
        using var scope = torch.NewDisposeScope();
        var (nll, targetMask) = TokenLosses(itemIds, texts);
        return nll.sum().div(targetMask.sum()).MoveToOuterDisposeScope();
    }
}
