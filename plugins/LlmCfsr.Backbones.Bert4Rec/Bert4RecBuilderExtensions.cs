using LlmCfsr.Backbones.Bert4Rec;
using LlmCfsr.Models;

namespace LlmCfsr.DependencyInjection;

/// <summary>Adds BERT4Rec to the SDK.</summary>
public static class Bert4RecBuilderExtensions
{
    /// <summary>
    /// Registers the BERT4Rec backbone as sequence encoder "bert4rec" and the id-only BERT4Rec baseline as
    /// model "bert4rec". Options bind from "LlmCfsr:Backbones:Bert4Rec", then <paramref name="configure"/> runs.
    /// </summary>
    public static ILlmCfsrBuilder AddBert4Rec(this ILlmCfsrBuilder builder, Action<Bert4RecOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddValidatedOptions<Bert4RecOptions, Bert4RecOptionsValidator>(Bert4RecOptions.Section, configure);
        builder.AddSequenceEncoder<Bert4RecEncoderFactory>("bert4rec");
        return builder.AddIdOnlyRecommender("bert4rec");
    }
}
