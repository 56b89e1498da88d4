using LlmCfsr.DependencyInjection;
using LlmCfsr.Representations;
using LlmCfsr.Sequences;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// SAID's stage 2 (Hu et al., "Enhancing Sequential Recommendation via LLM-based Semantic Embedding Learning", WWW 2024
/// companion, doi 10.1145/3589335.3648307): the item embeddings SAID's stage 1 learned with a decoder LLM
/// (<c>llmcfsr finetune --objective said</c>) are the item side of a lightweight sequential model. They go through a
/// trainable <see cref="SemanticAdapter"/> to the hidden size (as the SAID baseline of LLMEmb's public code,
/// liuqidong07/LLMEmb, feeds them to SASRec) and are both the backbone's input and what states are scored against.
/// Frozen by default (kept outside the parameters and the checkpoint), as the paper recommends;
/// <see cref="SaidOptions.TrainItemEmbeddings"/> makes them a parameter that starts from stage 1 and is saved with the weights.
/// </summary>
public sealed class SaidRecommender : SingleViewRecommender
{
    /// <summary>The name of the trainable item table when <see cref="SaidOptions.TrainItemEmbeddings"/> is on.</summary>
    public const string ItemTableParameter = "item_embeddings.weight";

    private readonly FrozenTable? _frozenTable;
    private readonly Embedding? item_embeddings;
    private readonly SemanticAdapter semantic_adapter;

    /// <summary>
    /// Creates the model over the stage-1 table <paramref name="itemTable"/> [items + 1, d] (row 0 padding; the model takes
    /// ownership), frozen unless <paramref name="train"/>.
    /// </summary>
    internal SaidRecommender(string name, int itemCount, int maxLength, Tensor itemTable, bool train, SemanticAdapter adapter, ISequenceEncoder encoder)
        : base(name, itemCount, maxLength, encoder)
    {
        ArgumentNullException.ThrowIfNull(itemTable);
        semantic_adapter = adapter ?? throw new ArgumentNullException(nameof(adapter));
        if (train)
        {
            item_embeddings = nn.Embedding(itemCount + 1, itemTable.shape[1], padding_idx: 0);
            using (no_grad())
            {
                item_embeddings.weight!.copy_(itemTable);
            }
            itemTable.Dispose();
        }
        RegisterComponents();
        if (!train)
        {
            _frozenTable = new FrozenTable(itemTable);
        }
    }

    /// <summary>SAID's stage 2 registered as <paramref name="name"/>: the stage-1 embeddings through a new adapter in front of <see cref="BackboneModelOptions.Backbone"/>.</summary>
    internal static SaidRecommender Create(string name, SaidOptions options, RecommenderModelInputs inputs, ComponentCatalog components)
    {
        var embeddings = SemanticItemTables.Checked(inputs.Require(name, ModelInput.SaidEmbeddings), inputs.ItemCount, nameof(RecommenderModelInputs.SaidItemEmbeddings));
        var encoder = components.SequenceEncoder(options.Backbone).Create(inputs.Backbone);
        return new SaidRecommender(name, inputs.ItemCount, inputs.Backbone.MaxLength, embeddings.detach().clone(), options.TrainItemEmbeddings,
            new SemanticAdapter((int)embeddings.shape[1], inputs.Backbone.HiddenSize, options.AdapterDropout), encoder);
    }

    /// <inheritdoc />
    public override RecommenderModelInputs WithFrozenTables(RecommenderModelInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        // A trained table lives in the weights; only the frozen one must come from outside.
        return _frozenTable is null ? inputs : inputs with { SaidItemEmbeddings = _frozenTable.CpuFloat32() };
    }

    private ScalarType AdapterDType => semantic_adapter.parameters().First().dtype;

    /// <inheritdoc />
    public override Tensor ItemRepresentations(Tensor items)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var scope = NewDisposeScope();
        var rows = item_embeddings is not null ? item_embeddings.call(items) : _frozenTable!.Rows(items, AdapterDType);
        return semantic_adapter.call(rows).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _frozenTable?.Dispose();
        }
        base.Dispose(disposing);
    }
}
