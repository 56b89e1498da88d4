namespace LlmCfsr.ItemIndex.USearch;

/// <summary>HNSW settings of the USearch item index, bound from "LlmCfsr:ItemIndex:USearch".</summary>
public sealed class USearchItemIndexOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "LlmCfsr:ItemIndex:USearch";

    /// <summary>Graph edges per node (HNSW's M); more raises recall, memory and build time.</summary>
    public int Connectivity { get; set; } = 16;

    /// <summary>Candidate list size while inserting (efConstruction); more builds a better graph, slower.</summary>
    public int ExpansionAdd { get; set; } = 128;

    /// <summary>Candidate list size while searching (ef); more raises recall and latency. A search for k items uses at least k.</summary>
    public int ExpansionSearch { get; set; } = 64;
}
