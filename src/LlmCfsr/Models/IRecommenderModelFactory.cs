using LlmCfsr.DependencyInjection;

namespace LlmCfsr.Models;

/// <summary>
/// A registered model ("sasrec", "llm-cfsr", ...): its typed options as configured for the registration, and how to
/// build the model from options and inputs. Registered with <c>builder.AddRecommenderModel(name, create)</c>; the
/// trainer, <c>compare</c>, <c>evaluate</c> and bundles build every model through <see cref="RecommenderModels"/>.
/// </summary>
public interface IRecommenderModelFactory
{
    /// <summary>The registration name.</summary>
    string Name { get; }

    /// <summary>The options type the model is built from.</summary>
    Type OptionsType { get; }

    /// <summary>The registration's options: the type's defaults, the registration's own, then configuration (validated).</summary>
    RecommenderModelOptions Options { get; }

    /// <summary>Creates the model with fresh parameters on the CPU; <paramref name="options"/> is of <see cref="OptionsType"/>.</summary>
    SequentialRecommender Create(RecommenderModelOptions options, RecommenderModelInputs inputs, ComponentCatalog components);
}
