namespace LlmCfsr.Models;

/// <summary>
/// Settings every LLM-enhanced model shares ("llm-cfsr" and its ablations, "llm-esr", "llmemb", "llm2x",
/// "said"), bound from "LlmCfsr:Models". Sizes (hidden, layers, heads, dropout, maximum length) come from the
/// training options; method-specific knobs live in <see cref="LlmEsrOptions"/> and <see cref="LlmEmbOptions"/>.
/// </summary>
public sealed class LlmEnhancedModelOptions
{
    /// <summary>The configuration section the options bind from.</summary>
    public const string Section = "LlmCfsr:Models";

    /// <summary>The registered backbone (sequence encoder) the models run on: "sasrec" (default), "gru4rec" or "bert4rec".</summary>
    public string Backbone { get; set; } = "sasrec";

    /// <summary>
    /// The registered sequence-level fusion through which LLM-CFSR's and LLM-ESR's views attend to each other:
    /// "cross-attention" (default, the papers' form). Ablations without cross-attention use "concat".
    /// </summary>
    public string Fusion { get; set; } = "cross-attention";

    /// <summary>Dropout inside the semantic adapter (between its two linear layers); 0 as in LLM-ESR's adapter.</summary>
    public double AdapterDropout { get; set; }

    /// <summary>Heads of LLM-CFSR's cross-attention (each direction); 4 as in the paper. LLM-ESR has its own (<see cref="LlmEsrOptions.CrossAttentionHeads"/>).</summary>
    public int CrossAttentionHeads { get; set; } = 4;

    /// <summary>Scaling of the PCA-reduced LLM table that initialises the collaborative view (LLM-CFSR, LLM-ESR), SAID/LLMInit's table and LLM2X's table; plain PCA by default.</summary>
    public PcaScaling PcaScaling { get; set; } = PcaScaling.None;
}
