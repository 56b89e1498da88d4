using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// Starts a model from a finished id-only teacher run (<see cref="RecommenderModelInputs.TeacherWeights"/>): the model's
/// item table and backbone carry the teacher's names ("item_embeddings.weight", "backbone.…"), so each is copied from the
/// teacher's weight of the same name. MELT and CITIES both begin from a trained SASRec, as their official code does.
/// </summary>
internal static class TeacherStart
{
    /// <summary>The prefixes of the weights a model takes from its teacher.</summary>
    private static readonly string[] Prefixes = ["item_embeddings.", "backbone."];

    /// <summary>Copies the teacher's item table and backbone into <paramref name="model"/>; errors name the weight that is missing or differs in shape.</summary>
    public static void Copy(SequentialRecommender model, IReadOnlyDictionary<string, Tensor> teacher)
    {
        using var noGrad = no_grad();
        foreach (var (name, weight) in model.state_dict())
        {
            if (!Prefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            {
                continue;
            }
            if (!teacher.TryGetValue(name, out var source))
            {
                throw new ArgumentException($"Model '{model.GetName()}' starts from its teacher run, which has no weight '{name}': train the teacher with the same backbone.");
            }
            if (!source.shape.SequenceEqual(weight.shape))
            {
                throw new ArgumentException(
                    $"Model '{model.GetName()}' starts from its teacher run, whose weight '{name}' is [{string.Join(", ", source.shape)}] where this model's is [{string.Join(", ", weight.shape)}]: train the teacher with the same --hidden, --layers and --max-len.");
            }
            weight.copy_(source);
        }
    }
}
