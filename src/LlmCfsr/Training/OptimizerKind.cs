namespace LlmCfsr.Training;

/// <summary>The optimizer the trainer uses.</summary>
public enum OptimizerKind
{
    /// <summary>Adam with L2 weight decay added to the gradient.</summary>
    Adam,

    /// <summary>AdamW with decoupled weight decay.</summary>
    AdamW,
}
