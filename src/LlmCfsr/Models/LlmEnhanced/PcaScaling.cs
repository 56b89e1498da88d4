namespace LlmCfsr.Models;

/// <summary>How the PCA-reduced LLM item table that initialises (or, for LLM2X, is) an id table is scaled.</summary>
public enum PcaScaling
{
    /// <summary>Plain centred PCA coordinates, unscaled (the published methods).</summary>
    None,

    /// <summary>
    /// Our variant: one global factor makes the root-mean-square of the table's entries equal to the standard
    /// deviation of the Xavier-normal initialisation of an id table of the same shape, sqrt(2 / (items + 1 + d)).
    /// </summary>
    XavierRms,
}
