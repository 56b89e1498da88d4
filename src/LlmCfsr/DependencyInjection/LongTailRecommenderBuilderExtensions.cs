using LlmCfsr.Models;

namespace LlmCfsr.DependencyInjection;

/// <summary>Registers the long-tail baselines that start from a trained id-only model (MELT, CITIES).</summary>
public static class LongTailRecommenderBuilderExtensions
{
    /// <summary>
    /// Registers models "melt" (<see cref="MeltOptions"/>) and "cities" (<see cref="CitiesOptions"/>). Both start from a finished run of
    /// the id-only model on their backbone ("sasrec"), given as <c>TrainingOptions.TeacherRunDirectory</c> (<c>compare</c> trains it first),
    /// so register that backbone too (e.g. <c>.AddSasRec()</c>).
    /// </summary>
    public static ILlmCfsrBuilder AddLongTailRecommenders(this ILlmCfsrBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddRecommenderModel<MeltOptions>("melt", (options, inputs, components) => MeltRecommender.Create("melt", options, inputs, components))
            .AddRecommenderModel<CitiesOptions>("cities", (options, inputs, components) => CitiesRecommender.Create("cities", options, inputs, components));
    }
}
