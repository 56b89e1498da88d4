using Xunit.Abstractions;

namespace LlmCfsr.Models.Tests;

/// <summary>
/// Issue 19 on synthetic data built to show it: many items, a popularity skew, and item vectors that say little
/// about the item (its topic under heavy noise: the stand-in for short item texts). Under full ranking the paper's
/// LLM-CFSR (pure cross-attention, BPR with one uniform negative) ranks tail targets below id-only SASRec, and its
/// fused score is carried by the collaborative view; the forms that let the encoder see each position's own item
/// vectors rank them above (docs/results.md, "Full-ranking tail items (issue 19)").
/// </summary>
public sealed class FullRankingTailTests(FullRankingTailRuns runs, ITestOutputHelper output) : IClassFixture<FullRankingTailRuns>
{
    [Fact]
    public void PaperFormRanksTailTargetsBelowSasRecUnderFullRanking()
    {
        var sasrec = runs.Get("sasrec");
        var paper = runs.Get("llm-cfsr");
        output.WriteLine($"sasrec: {sasrec}");
        output.WriteLine($"llm-cfsr: {paper}");
        Assert.True(paper.SemanticSpread < paper.CollaborativeSpread, $"semantic view spread {paper.SemanticSpread:F3} vs collaborative {paper.CollaborativeSpread:F3}");
        // Observed (seeds 1, 2, 3 of training, same data): SASRec tail 0.0122 / 0.0164 / 0.0101, overall 0.1882 /
        // 0.1907 / 0.1799; LLM-CFSR tail 0.0084 / 0.0113 / 0.0103, overall 0.1400 / 0.1395 / 0.1449. The margins are
        // about half the seed-1 gaps.
        Assert.True(paper.Tail + 0.002 < sasrec.Tail, $"tail-item NDCG@10: llm-cfsr {paper.Tail:F4} vs sasrec {sasrec.Tail:F4}");
        Assert.True(paper.Overall + 0.025 < sasrec.Overall, $"overall NDCG@10: llm-cfsr {paper.Overall:F4} vs sasrec {sasrec.Overall:F4}");
    }

    [Theory]
    [InlineData("llm-cfsr-no-cross-attention", 0.004)]
    [InlineData("llm-cfsr-own-sequence", 0.004)]
    [InlineData("llm-cfsr-gated", 0.0024)]
    public void FormsThatKeepEachPositionsOwnVectorsRankTailTargetsAboveSasRec(string model, double tailMargin)
    {
        var sasrec = runs.Get("sasrec");
        var paper = runs.Get("llm-cfsr");
        var variant = runs.Get(model);
        output.WriteLine($"{model}: {variant}");
        // Observed tail-item NDCG@10 over 3 training seeds: no-cross-attention 0.0229 / 0.0224 / 0.0192, own-sequence
        // 0.0207 / 0.0192 / 0.0164, gated 0.0170 / 0.0239 / 0.0224, against SASRec's above (paired over seeds: +0.0086,
        // +0.0059 and +0.0082, p < 1e-4); overall 0.1867 / 0.1878 / 0.1821, 0.1766 / 0.1765 / 0.1843 and 0.1781 / 0.1859 /
        // 0.1872. Margins about half the seed-1 gaps (the smaller of the first two; gated's own).
        Assert.True(variant.Tail > sasrec.Tail + tailMargin, $"tail-item NDCG@10: {model} {variant.Tail:F4} vs sasrec {sasrec.Tail:F4}");
        Assert.True(variant.Tail > paper.Tail + 0.006, $"tail-item NDCG@10: {model} {variant.Tail:F4} vs llm-cfsr {paper.Tail:F4}");
        Assert.True(variant.Overall > paper.Overall + 0.015, $"overall NDCG@10: {model} {variant.Overall:F4} vs llm-cfsr {paper.Overall:F4}");
    }

    [Fact]
    public void GatedVariantWithCatalogueCrossEntropyRanksAboveSasRecAndLlmInitUnderFullRanking()
    {
        // Issue 19's target on its synthetic data: full-ranking tail-item NDCG@10 at least SASRec's and LLMInit's, overall
        // at least SASRec's (both baselines with their own default loss, BCE).
        var sasrec = runs.Get("sasrec");
        var llminit = runs.Get("llminit");
        var variant = runs.Get("llm-cfsr-gated-ce");
        output.WriteLine($"llminit: {llminit}");
        output.WriteLine($"llm-cfsr-gated-ce: {variant}");
        // Observed over training seeds 1-10 (same data): overall 0.1933 against SASRec's 0.1882 and LLMInit's 0.1905, tail
        // items 0.0184 against 0.0130 and 0.0167 (paired over seeds 1-3: overall +0.0061 p 0.002, tail +0.0063 p 2e-6 over
        // SASRec, tail +0.0047 p 2e-4 over LLMInit). Seed-1 gaps: overall +0.0078, tail +0.0067 and +0.0041; bounds about half.
        Assert.True(variant.Overall > sasrec.Overall + 0.0039, $"overall NDCG@10: llm-cfsr-gated-ce {variant.Overall:F4} vs sasrec {sasrec.Overall:F4}");
        Assert.True(variant.Tail > sasrec.Tail + 0.0033, $"tail-item NDCG@10: llm-cfsr-gated-ce {variant.Tail:F4} vs sasrec {sasrec.Tail:F4}");
        Assert.True(variant.Tail > llminit.Tail + 0.002, $"tail-item NDCG@10: llm-cfsr-gated-ce {variant.Tail:F4} vs llminit {llminit.Tail:F4}");
    }
}
