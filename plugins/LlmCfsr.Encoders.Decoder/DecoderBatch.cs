using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>Tokenises texts for a decoder and right-pads token sequences into an id tensor and an attention mask.</summary>
public static class DecoderBatch
{
    /// <summary>Token ids of <paramref name="text"/> truncated to <paramref name="maxTokens"/>; an empty text becomes one EOS (or pad) token.</summary>
    public static int[] Tokenize(IDecoderTokenizer tokenizer, string text, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        var kept = tokenizer.Encode(text ?? "").Take(maxTokens).ToArray();
        return kept.Length > 0 ? kept : new[] { tokenizer.EosTokenId ?? tokenizer.PadTokenId };
    }

    /// <summary>Tokenises and pads <paramref name="texts"/> in order.</summary>
    public static (Tensor Ids, Tensor Mask) Encode(IDecoderTokenizer tokenizer, IReadOnlyList<string> texts, int maxTokens)
    {
        ArgumentNullException.ThrowIfNull(texts);
        return Pad(texts.Select(t => Tokenize(tokenizer, t, maxTokens)).ToList(), tokenizer.PadTokenId);
    }

    /// <summary>int64 ids [n, longest] padded with <paramref name="padId"/>, and the int64 mask (1 = token, 0 = padding).</summary>
    public static (Tensor Ids, Tensor Mask) Pad(IReadOnlyList<int[]> sequences, int padId)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        int longest = sequences.Count == 0 ? 0 : sequences.Max(s => s.Length);
        var ids = new long[sequences.Count * longest];
        var mask = new long[sequences.Count * longest];
        Array.Fill(ids, padId);
        for (int row = 0; row < sequences.Count; row++)
        {
            var sequence = sequences[row];
            for (int column = 0; column < sequence.Length; column++)
            {
                ids[row * longest + column] = sequence[column];
                mask[row * longest + column] = 1;
            }
        }
        return (torch.tensor(ids, new long[] { sequences.Count, longest }), torch.tensor(mask, new long[] { sequences.Count, longest }));
    }
}
