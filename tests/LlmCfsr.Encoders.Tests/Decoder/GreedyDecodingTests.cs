using LlmCfsr.Encoders.Decoder;
using TorchSharp;

namespace LlmCfsr.Encoders.Tests.Decoder;

public sealed class GreedyDecodingTests
{
    [Fact]
    public void Cached_greedy_decoding_equals_recomputing_the_whole_prefix()
    {
        var config = TestModels.TinyConfig("qwen2");
        using var model = DecoderLanguageModel.FromPretrained(TestModels.WriteCheckpoint(config, TestModels.RandomWeights(config, seed: 31)));
        var prompt = new[] { 1, 7, 19, 4 };

        var cached = model.GenerateGreedy(prompt, maxNewTokens: 12);

        // Reference: the arg-max of a full forward pass over the growing sequence, no cache.
        var tokens = prompt.ToList();
        using (torch.no_grad())
        {
            for (int step = 0; step < 12; step++)
            {
                var ids = torch.tensor(tokens.Select(t => (long)t).ToArray()).unsqueeze(0);
                tokens.Add((int)model.call(ids, torch.ones_like(ids))[0, -1].argmax().item<long>());
            }
        }
        Assert.Equal(tokens.Skip(prompt.Length), cached);
    }

    [Fact]
    public void Decoding_stops_at_eos()
    {
        using var model = DecoderLanguageModel.FromPretrained(TestModels.Stories260K);
        var free = model.GenerateGreedy(new[] { 1 }, maxNewTokens: 10);
        // Declaring the 5th greedy token the end-of-sequence token makes decoding stop right after emitting it.
        var stopped = model.GenerateGreedy(new[] { 1 }, maxNewTokens: 10, eosTokenId: free[4]);
        Assert.Equal(free.Take(5), stopped);
    }
}
