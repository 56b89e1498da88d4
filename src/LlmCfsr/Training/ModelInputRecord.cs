namespace LlmCfsr.Training;

/// <summary>One model input of a run, as recorded in <c>run.json</c>.</summary>
public sealed record ModelInputRecord
{
    /// <summary>The training option it came from (e.g. "SemanticEmbeddingsPath").</summary>
    public required string Option { get; init; }

    /// <summary>The full path.</summary>
    public required string Path { get; init; }

    /// <summary>What produced it: the embedding fingerprint (encoder, template, normalisation) or the teacher's model and dataset.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>SHA-256 of the file (the teacher's best weights for a teacher run), so a changed file is noticed.</summary>
    public required string Sha256 { get; init; }
}
