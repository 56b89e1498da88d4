namespace LlmCfsr.Training;

/// <summary>What the trainer does with a run directory that already holds a run.</summary>
public enum TrainingRunMode
{
    /// <summary>Start a run; fail if the directory already holds one.</summary>
    New,

    /// <summary>Delete what the directory holds and start a run.</summary>
    Overwrite,

    /// <summary>Continue the interrupted run in the directory from its last completed epoch (start one if there is none).</summary>
    Resume,
}
