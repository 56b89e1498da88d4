namespace LlmCfsr.Models;

/// <summary>
/// Inputs beyond the dataset that a model needs (<see cref="RecommenderModelOptions.Inputs"/>), each given by one
/// <see cref="Training.TrainingOptions"/> path. They are checked before training starts, so a missing one fails at
/// once with the option named.
/// </summary>
[Flags]
public enum ModelInput
{
    /// <summary>Nothing beyond the dataset (the id-only baselines).</summary>
    None = 0,

    /// <summary>Fine-tuned (CFT) LLM item embeddings: <see cref="Training.TrainingOptions.SemanticEmbeddingsPath"/>.</summary>
    SemanticEmbeddings = 1,

    /// <summary>Raw LLM item embeddings made without fine-tuning: <see cref="Training.TrainingOptions.RawSemanticEmbeddingsPath"/>.</summary>
    RawSemanticEmbeddings = 2,

    /// <summary>LLM user embeddings of the training histories: <see cref="Training.TrainingOptions.UserEmbeddingsPath"/>.</summary>
    UserEmbeddings = 4,

    /// <summary>A finished run of the model <see cref="RecommenderModelOptions.TeacherModel"/> names: <see cref="Training.TrainingOptions.TeacherRunDirectory"/>.</summary>
    TeacherRun = 8,
}
