using LlmCfsr.Backbones.SasRec;
using LlmCfsr.Models;

namespace LlmCfsr.DependencyInjection;

/// <summary>Adds SASRec to the SDK.</summary>
public static class SasRecBuilderExtensions
{
    /// <summary>
    /// Registers the SASRec backbone as sequence encoder "sasrec" and the id-only SASRec baseline as model
    /// "sasrec". Options bind from "LlmCfsr:Backbones:SasRec", then <paramref name="configure"/> runs.
    /// </summary>
    public static ILlmCfsrBuilder AddSasRec(this ILlmCfsrBuilder builder, Action<SasRecOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddValidatedOptions<SasRecOptions, SasRecOptionsValidator>(SasRecOptions.Section, configure);
        builder.AddSequenceEncoder<SasRecEncoderFactory>("sasrec");
        return builder.AddIdOnlyRecommender("sasrec");
    }
}
