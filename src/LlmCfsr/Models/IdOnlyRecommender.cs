using LlmCfsr.DependencyInjection;
using LlmCfsr.Sequences;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// The id-only baseline (SASRec, GRU4Rec, BERT4Rec as published): an item-id embedding table, shared between
/// the input and the output scores, in front of one backbone.
/// </summary>
public sealed class IdOnlyRecommender : SingleViewRecommender
{
    private readonly Embedding item_embeddings;

    /// <summary>Name of the item-id table parameter ([items + 1, d], row 0 padding).</summary>
    public const string ItemTableParameter = "item_embeddings.weight";

    /// <summary>Creates the model around <paramref name="encoder"/> for <paramref name="itemCount"/> items.</summary>
    public IdOnlyRecommender(string name, int itemCount, int maxLength, ISequenceEncoder encoder)
        : base(name, itemCount, maxLength, encoder)
    {
        item_embeddings = nn.Embedding(itemCount + 1, encoder.HiddenSize, padding_idx: 0);
        // Xavier-normal initialisation as in the reference SASRec code; row 0 (padding) stays zero.
        using (no_grad())
        {
            nn.init.xavier_normal_(item_embeddings.weight!);
            item_embeddings.weight![0].zero_();
        }
        RegisterComponents();
    }

    /// <summary>The id-only model <paramref name="name"/> over the backbone registered as <paramref name="backbone"/>.</summary>
    internal static IdOnlyRecommender Create(string name, string backbone, RecommenderModelInputs inputs, ComponentCatalog components)
    {
        var encoder = components.SequenceEncoder(backbone).Create(inputs.Backbone);
        return new IdOnlyRecommender(name, inputs.ItemCount, inputs.Backbone.MaxLength, encoder);
    }

    /// <summary>
    /// LLMInit: the id-only model over <see cref="BackboneModelOptions.Backbone"/> whose item table starts from the
    /// PCA-reduced raw LLM item embeddings instead of random values, then is fine-tuned with the rest of the model.
    /// Without the embeddings (a trained model rebuilt for scoring, whose weights replace the table) it is built but cannot train.
    /// </summary>
    internal static IdOnlyRecommender CreateLlmInit(string name, LlmInitOptions options, RecommenderModelInputs inputs, ComponentCatalog components)
    {
        int hidden = inputs.Backbone.HiddenSize;
        using var initial = SemanticItemTables.Given(inputs, hidden) ?? (inputs.RawSemanticItemEmbeddings is { } embeddings
            ? SemanticItemTables.Reduced(SemanticItemTables.Checked(embeddings, inputs.ItemCount, nameof(RecommenderModelInputs.RawSemanticItemEmbeddings)), hidden, options.PcaScaling)
            : null);
        var model = Create(name, options.Backbone, inputs, components);
        if (initial is null)
        {
            model.MarkScoringOnly(ModelInput.RawSemanticEmbeddings);
            return model;
        }
        using (no_grad())
        {
            model.item_embeddings.weight!.copy_(initial);
        }
        return model;
    }

    /// <inheritdoc />
    public override Tensor ItemRepresentations(Tensor items) => item_embeddings.call(items);

    /// <inheritdoc />
    /// <remarks>Multiplies by the table itself: no gather of every row forward, no scatter of its gradient backward.</remarks>
    public override Tensor ScoreAllItems(Tensor states) => states.matmul(item_embeddings.weight!.t());
}
