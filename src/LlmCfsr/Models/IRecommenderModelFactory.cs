namespace LlmCfsr.Models;

/// <summary>
/// Creates a recommendation model by name ("sasrec", "llm-cfsr", ...). Registered with
/// <c>builder.AddRecommenderModel&lt;TFactory&gt;(name)</c>; the trainer and the CLI create every model through
/// it, so a new method needs no change to either.
/// </summary>
public interface IRecommenderModelFactory
{
    /// <summary>The registration name.</summary>
    string Name { get; }

    /// <summary>The inputs <see cref="Create"/> needs beyond the dataset; the trainer checks them before it starts.</summary>
    ModelInput Inputs => ModelInput.None;

    /// <summary>
    /// The registered id-only model whose finished run <see cref="ModelInput.TeacherRun"/> must hold (e.g. "sasrec"
    /// for LLMEmb); a comparison trains it first with the same seed. Null when the model needs no teacher.
    /// </summary>
    string? Teacher => null;

    /// <summary>Creates a model with fresh parameters on the CPU for <see cref="RecommenderModelContext.Dataset"/>.</summary>
    SequentialRecommender Create(RecommenderModelContext context);
}
