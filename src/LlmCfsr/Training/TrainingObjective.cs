namespace LlmCfsr.Training;

/// <summary>Which positions of a training window predict an item.</summary>
public enum TrainingObjective
{
    /// <summary>Causal models: every position predicts its next item; bidirectional models: masked items.</summary>
    Auto,

    /// <summary>Every prefix predicts its next item (SASRec, GRU4Rec); causal models only.</summary>
    AllPositions,

    /// <summary>Only the newest prefix predicts its next item (GRU4Rec's session-style training); causal models only.</summary>
    LastPosition,

    /// <summary>Random positions are masked and predicted from both sides (BERT4Rec); bidirectional models only.</summary>
    Masked,
}
