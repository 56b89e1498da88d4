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

    /// <summary>Creates a model with fresh parameters on the CPU for <see cref="RecommenderModelContext.Dataset"/>.</summary>
    SequentialRecommender Create(RecommenderModelContext context);
}
