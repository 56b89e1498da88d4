using LlmCfsr.Evaluation;
using LlmCfsr.Training;

namespace LlmCfsr.Data.Tests;

public class TrainingEvaluationSettingsTests
{
    [Fact]
    public void TheEvaluationSeedIsSeparateFromTheTrainingSeed()
    {
        // Runs that differ only in the training seed are ranked against the same candidates.
        var first = new TrainingOptions { Seed = 1 }.EvaluationSettings();
        var second = new TrainingOptions { Seed = 2 }.EvaluationSettings();
        Assert.Equal(first.Seed, second.Seed);
        Assert.Equal(7, new TrainingOptions { Seed = 1, EvaluationSeed = 7 }.EvaluationSettings().Seed);
    }

    [Fact]
    public void SettingsCarryTheRunsProtocolGroupsAndHistoryLength()
    {
        var options = new TrainingOptions { EvaluationProtocol = "full", MaxLength = 30, EvaluationBatchSize = 64, LongTail = LongTailOptions.LlmEsr(4, 9) };
        var settings = options.EvaluationSettings();
        Assert.Equal(EvaluationProtocol.Full, settings.Protocol);
        Assert.Equal(30, settings.MaxHistoryLength);
        Assert.Equal(64, settings.BatchSize);
        Assert.Equal(LongTailOptions.LlmEsr(4, 9), settings.LongTail);
        Assert.Equal(EvaluationProtocol.Sampled(5), options.EvaluationSettings(EvaluationProtocol.Sampled(5)).Protocol);
    }

    [Fact]
    public void TheLlmEsrPresetsFollowTheOfficialScripts()
    {
        var preset = TrainingPresets.Get("llm-esr");
        Assert.Equal((200, 200, 20, 0.5, "sampled:100"), (preset.MaxLength, preset.Epochs, preset.Patience, preset.Dropout, preset.EvaluationProtocol));
        Assert.Equal(LongTailOptions.LlmEsr(20, 10), preset.LongTail);
        Assert.Equal(LongTailOptions.LlmEsr(13, 12), TrainingPresets.Get("LLM-ESR-Yelp").LongTail);
        Assert.Equal(LongTailOptions.LlmEsr(4, 9), TrainingPresets.Get("llm-esr-beauty").LongTail);
        Assert.Equal(LongTailOptions.LlmEsr(4, 3), TrainingPresets.Get("llm-esr-fashion").LongTail);
        Assert.Equal(new TrainingOptions(), TrainingPresets.Get(null));
    }
}
