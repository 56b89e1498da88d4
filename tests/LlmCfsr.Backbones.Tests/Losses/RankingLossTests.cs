using LlmCfsr.DependencyInjection;
using LlmCfsr.Losses;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static TorchSharp.torch;

namespace LlmCfsr.Backbones.Tests.Losses;

/// <summary>
/// Loss values against cases computed by hand from the definitions, with log sigma(x) = -ln(1 + e^-x).
/// </summary>
public sealed class RankingLossTests
{
    private static readonly IOptions<RankingLossOptions> Defaults = Options.Create(new RankingLossOptions());

    private static double Softplus(double x) => Math.Log(1 + Math.Exp(x)); // -log sigma(-x)

    private static double Value(IRankingLoss loss, RankingScores scores)
    {
        using var value = loss.Compute(scores);
        Assert.Equal(0, value.dim());
        return value.item<float>();
    }

    [Fact]
    public void BinaryCrossEntropySumsPositiveAndNegativeTerms()
    {
        // Row 1: s+ = 0, s- = {0}: -log sigma(0) - log(1 - sigma(0)) = ln 2 + ln 2.
        // Row 2: s+ = 2, s- = {-1, 1}: ln(1 + e^-2) + ln(1 + e^-1) + ln(1 + e^1); the loss is the row mean.
        double row1 = 2 * Math.Log(2);
        double row2 = Softplus(-2) + Softplus(-1) + Softplus(1);
        // Row 1 gets a second negative at -inf-like -30 whose term ln(1 + e^-30) is 9e-14, below float resolution.
        using var positive = tensor(new float[] { 0, 2 });
        using var negative = tensor(new float[,] { { 0, -30 }, { -1, 1 } });
        Assert.Equal((row1 + row2) / 2, Value(new BinaryCrossEntropyLoss(Defaults), RankingScores.Sampled(positive, negative)), 5);
    }

    [Fact]
    public void BprAveragesOverEveryPair()
    {
        // Pairs (1, 1) and (1, -1): -log sigma(0) = ln 2 and -log sigma(2) = ln(1 + e^-2); mean of both.
        using var positive = tensor(new float[] { 1 });
        using var negative = tensor(new float[,] { { 1, -1 } });
        Assert.Equal((Math.Log(2) + Softplus(-2)) / 2, Value(new BprLoss(Defaults), RankingScores.Sampled(positive, negative)), 5);
    }

    [Fact]
    public void SoftmaxCrossEntropyIsTheNegativeLogProbabilityOfTheTarget()
    {
        // Row 1: three equal logits: -log(1/3) = ln 3. Row 2: logits (ln 2, 0, -inf-like), target 0: -log(2/3).
        using var logits = tensor(new float[,] { { 0, 0, 0 }, { (float)Math.Log(2), 0, -100 } });
        using var targets = tensor(new long[] { 1, 0 });
        Assert.Equal((Math.Log(3) + Math.Log(1.5)) / 2, Value(new SoftmaxCrossEntropyLoss(), RankingScores.Full(logits, targets)), 5);
    }

    [Fact]
    public void SampledSoftmaxIsCrossEntropyOverThePositiveAndItsNegatives()
    {
        // s+ = ln 3 against one negative at 0: -ln 3 + ln(3 + 1) = ln(4/3).
        using var positive = tensor(new float[] { (float)Math.Log(3) });
        using var negative = tensor(new float[,] { { 0 } });
        var loss = new SampledSoftmaxLoss(Defaults);
        Assert.Equal(Math.Log(4.0 / 3.0), Value(loss, RankingScores.Sampled(positive, negative)), 5);

        // Identity: equal to full cross-entropy with the positive as column 0 of [s+, s-].
        using var positives = tensor(new float[] { 0.3f, -1.2f });
        using var negatives = tensor(new float[,] { { 0.1f, 2.0f, -0.5f }, { 0.7f, -0.3f, 1.1f } });
        using var logits = cat(new[] { positives.unsqueeze(1), negatives }, 1);
        using var zeros = tensor(new long[] { 0, 0 });
        Assert.Equal(Value(new SoftmaxCrossEntropyLoss(), RankingScores.Full(logits, zeros)), Value(loss, RankingScores.Sampled(positives, negatives)), 5);
    }

    [Fact]
    public void LossesRejectScoresOfTheWrongKindOrShape()
    {
        using var positive = tensor(new float[] { 0, 1 });
        using var negative = tensor(new float[,] { { 0 } });
        var bpr = new BprLoss(Defaults);
        Assert.Contains("[n, k]", Assert.Throws<ArgumentException>(() => bpr.Compute(RankingScores.Sampled(positive, negative))).Message);
        Assert.Throws<ArgumentException>(() => new SoftmaxCrossEntropyLoss().Compute(RankingScores.Sampled(positive, negative)));
    }

    [Fact]
    public void StandardLossesRegisterByNameWithConfiguredNegatives()
    {
        using var services = TestServices.Build(("LlmCfsr:Losses:SampledSoftmaxNegatives", "7"));
        var catalog = services.GetRequiredService<ComponentCatalog>();
        Assert.Equal(new[] { "bce", "bpr", "ce", "sampled-softmax" }, catalog.Names(ComponentKind.RankingLoss));
        Assert.Equal(7, catalog.RankingLoss("sampled-softmax").NegativeSamples);
        Assert.Equal(1, catalog.RankingLoss("BCE").NegativeSamples);
        Assert.Equal(RankingLossInput.FullLogits, catalog.RankingLoss("ce").Input);
    }

    [Fact]
    public void NonPositiveNegativeCountsFailValidation()
    {
        using var services = TestServices.Build(("LlmCfsr:Losses:BprNegatives", "0"));
        var error = Assert.Throws<OptionsValidationException>(() => services.ValidateLlmCfsrOptions());
        Assert.Contains("LlmCfsr:Losses:BprNegatives must be positive (got 0)", error.Message);
    }
}
