namespace LlmCfsr.Models;

/// <summary>
/// Inputs beyond the dataset that a model needs (<see cref="RecommenderModelOptions.Inputs"/>), each given by one
/// TrainingOptions path. They are checked before training starts, so a missing one fails at
/// once with the option named.
/// </summary>
[Flags]
public enum ModelInput
{
    /// <summary>Nothing beyond the dataset (the id-only baselines).</summary>
    None = 0,

    /// <summary>LLM item embeddings of an encoder fine-tuned with LLM-CFSR's CFT (LLM-CFSR's semantic view): TrainingOptions.SemanticEmbeddingsPath.</summary>
    SemanticEmbeddings = 1,

    /// <summary>Raw LLM item embeddings made without fine-tuning (the baselines' LLM embeddings): TrainingOptions.RawSemanticEmbeddingsPath.</summary>
    RawSemanticEmbeddings = 2,

    /// <summary>LLM user embeddings of the training histories: TrainingOptions.UserEmbeddingsPath.</summary>
    UserEmbeddings = 4,

    /// <summary>A finished run of the model <see cref="RecommenderModelOptions.TeacherModel"/> names: TrainingOptions.TeacherRunDirectory.</summary>
    TeacherRun = 8,

    /// <summary>SAID's stage-1 item embeddings (<c>llmcfsr finetune --objective said</c>): TrainingOptions.SaidEmbeddingsPath.</summary>
    SaidEmbeddings = 16,

    /// <summary>LLM item embeddings of an encoder fine-tuned with LLMEmb's SCFT (<c>--objective scft</c>): TrainingOptions.ScftEmbeddingsPath.</summary>
    ScftEmbeddings = 32,
}
