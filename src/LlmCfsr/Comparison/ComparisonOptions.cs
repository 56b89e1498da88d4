using LlmCfsr.Evaluation;
using LlmCfsr.Training;

namespace LlmCfsr.Comparison;

/// <summary>What <see cref="ComparisonRunner"/> trains and evaluates, and where it writes.</summary>
public sealed record ComparisonOptions
{
    /// <summary>Registered model names, in report order.</summary>
    public required IReadOnlyList<string> Models { get; init; }

    /// <summary>Seeds; every model is trained once per seed (<see cref="TrainingOptions.Seed"/>).</summary>
    public required IReadOnlyList<int> Seeds { get; init; }

    /// <summary>
    /// Test protocols ("sampled:100", "full", ...). The first one also drives validation and early stopping;
    /// the best weights of every run are evaluated under each of them without retraining.
    /// </summary>
    public required IReadOnlyList<string> Protocols { get; init; }

    /// <summary>Settings shared by every run; <see cref="TrainingOptions.Model"/>, <see cref="TrainingOptions.Seed"/> and <see cref="TrainingOptions.EvaluationProtocol"/> are set per run.</summary>
    public required TrainingOptions Training { get; init; }

    /// <summary>
    /// Options of the models listed by name (e.g. another backbone for the LLM-enhanced ones); a model missing here is built
    /// from its registration's options (<see cref="Models.IRecommenderModelFactory.Options"/>), as is a teacher the comparison trains.
    /// </summary>
    public IReadOnlyDictionary<string, Models.RecommenderModelOptions> ModelOptions { get; init; } = new Dictionary<string, Models.RecommenderModelOptions>();

    /// <summary>The report directory; runs go to <c>runs/MODEL/seed-N</c> inside it.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>What to do with runs already in <see cref="OutputDirectory"/>.</summary>
    public ComparisonRunMode Mode { get; init; } = ComparisonRunMode.New;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Models);
        ArgumentNullException.ThrowIfNull(Seeds);
        ArgumentNullException.ThrowIfNull(Protocols);
        ArgumentNullException.ThrowIfNull(Training);
        ArgumentNullException.ThrowIfNull(ModelOptions);
        if (Models.Count == 0 || Models.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("Models must list at least one registered model name, none of them empty.");
        }
        var repeatedModel = Models.GroupBy(m => m, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (repeatedModel is not null)
        {
            throw new ArgumentException($"Model '{repeatedModel.Key}' is listed twice.");
        }
        if (Seeds.Count == 0 || Seeds.Distinct().Count() != Seeds.Count)
        {
            throw new ArgumentException("Seeds must list at least one seed, each once.");
        }
        if (Protocols.Count == 0)
        {
            throw new ArgumentException("Protocols must list at least one evaluation protocol (e.g. 'sampled:100').");
        }
        var parsed = new HashSet<string>(StringComparer.Ordinal);
        foreach (string protocol in Protocols)
        {
            try
            {
                if (!parsed.Add(EvaluationProtocol.Parse(protocol).ToString()))
                {
                    throw new ArgumentException($"Protocol '{protocol}' is listed twice.");
                }
            }
            catch (FormatException e)
            {
                throw new ArgumentException(e.Message, e);
            }
        }
        ArgumentException.ThrowIfNullOrWhiteSpace(OutputDirectory);
        (Training with { EvaluationProtocol = Protocols[0] }).Validate();
    }
}
