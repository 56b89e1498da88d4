using LlmCfsr.Backbones.Gru4Rec;
using LlmCfsr.Models;

namespace LlmCfsr.DependencyInjection;

/// <summary>Adds GRU4Rec to the SDK.</summary>
public static class Gru4RecBuilderExtensions
{
    /// <summary>
    /// Registers the GRU4Rec backbone as sequence encoder "gru4rec" and the id-only GRU4Rec baseline as model
    /// "gru4rec". Options bind from "LlmCfsr:Backbones:Gru4Rec", then <paramref name="configure"/> runs.
    /// </summary>
    public static ILlmCfsrBuilder AddGru4Rec(this ILlmCfsrBuilder builder, Action<Gru4RecOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddValidatedOptions<Gru4RecOptions, Gru4RecOptionsValidator>(Gru4RecOptions.Section, configure);
        builder.AddSequenceEncoder<Gru4RecEncoderFactory>("gru4rec");
        return builder.AddIdOnlyRecommender("gru4rec");
    }
}
