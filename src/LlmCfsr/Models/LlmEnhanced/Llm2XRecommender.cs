using LlmCfsr.DependencyInjection;
using LlmCfsr.Sequences;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// LLM2X (LLM2SASRec, LLM2GRU4Rec, LLM2BERT4Rec): the item table is the PCA-reduced LLM item embeddings, fixed
/// (kept outside the parameters and the checkpoint, never trained); only the backbone learns. Scores are dot products with the same table.
/// </summary>
public sealed class Llm2XRecommender : SingleViewRecommender
{
    private readonly FrozenTable _itemTable;

    /// <summary>Creates the model over <paramref name="itemTable"/> [items + 1, d] (row 0 padding), which it takes ownership of.</summary>
    public Llm2XRecommender(string name, int itemCount, int maxLength, Tensor itemTable, ISequenceEncoder encoder)
        : base(name, itemCount, maxLength, encoder)
    {
        ArgumentNullException.ThrowIfNull(itemTable);
        if (itemTable.ndim != 2 || itemTable.shape[0] != itemCount + 1 || itemTable.shape[1] != encoder.HiddenSize)
        {
            throw new ArgumentException($"The item table must be [{itemCount + 1}, {encoder.HiddenSize}]; got [{string.Join(", ", itemTable.shape)}].", nameof(itemTable));
        }
        RegisterComponents();
        _itemTable = new FrozenTable(itemTable);
    }

    /// <summary>
    /// LLM2X registered as <paramref name="name"/>: the PCA reduction of the raw LLM item embeddings to the hidden size
    /// (or the inputs' <see cref="RecommenderModelInputs.ReducedItemEmbeddings"/>) in front of <see cref="BackboneModelOptions.Backbone"/>.
    /// </summary>
    internal static Llm2XRecommender Create(string name, Llm2XOptions options, RecommenderModelInputs inputs, ComponentCatalog components)
    {
        // The reduced table, when given (a bundle saves it), is the whole item side: the LLM embeddings are not needed.
        var table = SemanticItemTables.Given(inputs, inputs.Backbone.HiddenSize)
            ?? SemanticItemTables.Reduced(SemanticItemTables.Checked(inputs.Require(name, ModelInput.RawSemanticEmbeddings), inputs.ItemCount, nameof(RecommenderModelInputs.RawSemanticItemEmbeddings)),
                inputs.Backbone.HiddenSize, options.PcaScaling);
        var encoder = components.SequenceEncoder(options.Backbone).Create(inputs.Backbone);
        return new Llm2XRecommender(name, inputs.ItemCount, inputs.Backbone.MaxLength, table, encoder);
    }

    /// <summary>The fixed item table [items + 1, d] on <paramref name="device"/>.</summary>
    internal Tensor ItemTableOn(Device device) => _itemTable.On(device);

    /// <inheritdoc />
    public override RecommenderModelInputs WithFrozenTables(RecommenderModelInputs inputs)
        => (inputs ?? throw new ArgumentNullException(nameof(inputs))) with { ReducedItemEmbeddings = _itemTable.CpuFloat32() };

    /// <inheritdoc />
    public override Tensor ItemRepresentations(Tensor items)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var scope = NewDisposeScope();
        return _itemTable.Rows(items, backbone.parameters().First().dtype).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _itemTable.Dispose();
        }
        base.Dispose(disposing);
    }
}
