using LlmCfsr.DependencyInjection;
using LlmCfsr.Fusion;
using LlmCfsr.Losses;
using LlmCfsr.Representations;
using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// The dual-view recommender of LLM-CFSR and LLM-ESR. Semantic view: frozen LLM item embeddings (a
/// table kept outside the parameters and the checkpoint) through a <see cref="SemanticAdapter"/> to size d. Collaborative view: trainable id
/// embeddings initialised by PCA of the same LLM embeddings. The two item sequences are fused by an
/// <see cref="IFusion"/> (cross-attention, or concatenation), then encoded by one shared backbone (or one per
/// view); a user is [u_se ; u_co] and scores are fused by <see cref="IFusion.Score"/>:
/// score(u, j) = [e_se_j ; e_co_j] · [u_se ; u_co]. States and item representations of this class are the
/// concatenation of the views present, so [b, L, 2d] with both views and [b, L, d] with one.
/// Optionally adds LLM-ESR's self-distillation to the loss.
/// </summary>
public sealed class DualViewRecommender : SequentialRecommender
{
    private readonly FrozenTable? _semanticTable;
    private readonly SemanticAdapter? semantic_adapter;
    private readonly Embedding? collaborative_embeddings;
    private readonly nn.Module fusion;
    private readonly FusionPositions? fusion_positions;
    private readonly nn.Module encoder;
    private readonly nn.Module? collaborative_encoder;
    private readonly UserSelfDistillation? self_distillation;
    private readonly int _hiddenSize;
    private readonly string? _defaultLoss;
    private bool _readsRawEmbeddings;

    /// <summary>
    /// Creates the model. <paramref name="semanticTable"/> [items + 1, d_llm] (row 0 padding) feeds the semantic view
    /// when <paramref name="adapter"/> is given; <paramref name="collaborativeInit"/> [items + 1, d] initialises the
    /// id table of the collaborative view when given. <paramref name="collaborativeEncoder"/> is null for a shared
    /// backbone. <paramref name="positionsBeforeFusion"/> adds scaled inputs and a position table before the
    /// sequence-level fusion (<see cref="FusionPositions"/>, our variant after LLM-ESR's official code), with
    /// <paramref name="inputDropout"/>. The model takes ownership of every module and tensor passed in.
    /// </summary>
    internal DualViewRecommender(
        string name, int itemCount, int maxLength, Tensor? semanticTable, SemanticAdapter? adapter, Tensor? collaborativeInit,
        IFusion fusionModule, ISequenceEncoder sharedOrSemanticEncoder, ISequenceEncoder? collaborativeEncoder,
        UserSelfDistillation? distillation, string? defaultLoss, bool positionsBeforeFusion = false, double inputDropout = 0)
        : base(name, itemCount, maxLength)
    {
        ArgumentNullException.ThrowIfNull(fusionModule);
        ArgumentNullException.ThrowIfNull(sharedOrSemanticEncoder);
        if ((semanticTable is null) != (adapter is null) || (adapter is null && collaborativeInit is null))
        {
            throw new ArgumentException("A dual-view model needs the semantic view (table and adapter), the collaborative view, or both.");
        }
        _hiddenSize = sharedOrSemanticEncoder.HiddenSize;
        _defaultLoss = defaultLoss;
        semantic_adapter = adapter;
        if (collaborativeInit is not null)
        {
            collaborative_embeddings = nn.Embedding(itemCount + 1, _hiddenSize, padding_idx: 0);
            using (no_grad())
            {
                collaborative_embeddings.weight!.copy_(collaborativeInit);
            }
            collaborativeInit.Dispose();
        }
        // Only modules are kept in fields (RegisterComponents registers module-valued fields once each).
        fusion = fusionModule.Module;
        fusion_positions = positionsBeforeFusion ? new FusionPositions(_hiddenSize, maxLength, inputDropout) : null;
        encoder = sharedOrSemanticEncoder.Module;
        collaborative_encoder = collaborativeEncoder?.Module;
        self_distillation = distillation;
        RegisterComponents();
        // Frozen and reproducible from the embedding file recorded in run.json: not saved with the weights.
        _semanticTable = semanticTable is null ? null : new FrozenTable(semanticTable);
    }

    /// <summary>LLM-CFSR or one of its ablations, registered as <paramref name="name"/>.</summary>
    internal static DualViewRecommender Create(string name, LlmCfsrModelOptions options, RecommenderModelInputs inputs, ComponentCatalog components)
        => Create(name, options.Backbone, options.Design, inputs, components);

    /// <summary>LLM-ESR, registered as <paramref name="name"/>; without the user embeddings (a model rebuilt for scoring) it does not distil.</summary>
    internal static DualViewRecommender Create(string name, LlmEsrOptions options, RecommenderModelInputs inputs, ComponentCatalog components)
        => Create(name, options.Backbone, options.Design, inputs, components);

    private static DualViewRecommender Create(string name, string backbone, DualViewDesign design, RecommenderModelInputs inputs, ComponentCatalog components)
    {
        var input = design.UseFineTunedEmbeddings ? ModelInput.SemanticEmbeddings : ModelInput.RawSemanticEmbeddings;
        var embeddings = SemanticItemTables.Checked(inputs.Require(name, input), inputs.ItemCount, ModelInputDescriptions.Properties[input]);
        var settings = inputs.Backbone;
        var backbones = components.SequenceEncoder(backbone);
        var fusion = components.Fusion(design.FusionName)
            .Create(new FusionSettings { HiddenSize = settings.HiddenSize, Heads = design.CrossAttentionHeads, Dropout = settings.Dropout, ResidualNorm = design.ResidualFusion, KeepOwnSequence = design.KeepOwnSequence, GateReadout = design.GateReadout });
        var semanticTable = design.SemanticView ? embeddings.detach() : null;
        var adapter = design.SemanticView ? new SemanticAdapter((int)embeddings.shape[1], settings.HiddenSize, design.AdapterDropout) : null;
        var collaborativeInit = design.CollaborativeView ? SemanticItemTables.ReducedOrGiven(inputs, embeddings, settings.HiddenSize, design.PcaScaling) : null;
        var encoder = backbones.Create(settings);
        var secondEncoder = design.SharedEncoder || !design.SemanticView || !design.CollaborativeView ? null : backbones.Create(settings);
        UserSelfDistillation? distillation = null;
        if (design.SelfDistillation is { } esr && inputs.UserEmbeddings is { } users && inputs.TrainingData is { } data)
        {
            distillation = new UserSelfDistillation(data, users, esr.Neighbours, settings.MaxLength, esr.Weight);
        }
        var model = new DualViewRecommender(name, inputs.ItemCount, settings.MaxLength, semanticTable, adapter, collaborativeInit,
            fusion, encoder, secondEncoder, distillation, design.DefaultLoss,
            design.PositionsBeforeFusion && design.SemanticView && design.CollaborativeView, settings.Dropout);
        model._readsRawEmbeddings = !design.UseFineTunedEmbeddings;
        if (design.SelfDistillation is not null && distillation is null)
        {
            // Built for scoring only: training it would silently leave out the distillation term.
            model.MarkScoringOnly(ModelInput.UserEmbeddings);
        }
        return model;
    }

    /// <inheritdoc />
    public override SequenceDirection Direction => SemanticOrSharedEncoder.Direction;

    /// <inheritdoc />
    public override string? DefaultLoss => _defaultLoss;

    /// <summary>Whether the semantic view is present.</summary>
    public bool HasSemanticView => semantic_adapter is not null;

    /// <summary>Whether the collaborative view is present.</summary>
    public bool HasCollaborativeView => collaborative_embeddings is not null;

    /// <summary>LLM-ESR's self-distillation, or null.</summary>
    internal UserSelfDistillation? SelfDistillation => self_distillation;

    /// <summary>The sequence-level and score-level fusion.</summary>
    public IFusion Fusion => (IFusion)fusion;

    /// <summary>The frozen LLM item table [items + 1, d_llm] on <paramref name="device"/>, or null without the semantic view.</summary>
    internal Tensor? SemanticTableOn(Device device) => _semanticTable?.On(device, AdapterDType);

    /// <inheritdoc />
    /// <remarks>The LLM item table of the semantic view, in the slot the model reads (fine-tuned or raw embeddings).</remarks>
    public override RecommenderModelInputs WithFrozenTables(RecommenderModelInputs inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (_semanticTable is null)
        {
            return inputs;
        }
        var table = _semanticTable.CpuFloat32();
        return _readsRawEmbeddings ? inputs with { RawSemanticItemEmbeddings = table } : inputs with { SemanticItemEmbeddings = table };
    }

    private const long NeighbourQueryBlock = 1024;

    private ScalarType AdapterDType => semantic_adapter!.parameters().First().dtype;

    private ISequenceEncoder SemanticOrSharedEncoder => (ISequenceEncoder)encoder;

    private ISequenceEncoder CollaborativeEncoder => (ISequenceEncoder)(collaborative_encoder ?? encoder);

    /// <summary>The item views [..., d] of item ids [...]; a view is null when the model lacks it.</summary>
    public DualView ItemViews(Tensor items)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var scope = NewDisposeScope();
        Tensor? semantic = null;
        if (semantic_adapter is not null)
        {
            var rows = _semanticTable!.Rows(items, AdapterDType);
            semantic = semantic_adapter.call(rows).MoveToOuterDisposeScope();
        }
        var collaborative = collaborative_embeddings?.call(items).MoveToOuterDisposeScope();
        return new DualView(semantic, collaborative);
    }

    /// <summary>
    /// Item representations (as <see cref="ItemRepresentations"/>) of items the model was not trained on, from their
    /// LLM embeddings [n, d_llm]: the semantic view through the trained adapter, the collaborative view from
    /// <paramref name="collaborative"/> [n, d] (their PCA coordinates, as the trained items were initialised).
    /// </summary>
    internal Tensor NewItemRepresentations(Tensor embeddings, Tensor? collaborative)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        if (HasCollaborativeView && collaborative is null)
        {
            throw new ArgumentException("The model has a collaborative view; new items need their collaborative coordinates.", nameof(collaborative));
        }
        using var scope = NewDisposeScope();
        var views = new List<Tensor>(2);
        if (semantic_adapter is not null)
        {
            views.Add(semantic_adapter.call(embeddings.to(AdapterDType, Device)));
        }
        if (collaborative_embeddings is not null)
        {
            views.Add(collaborative!.to(collaborative_embeddings.weight!.dtype, Device));
        }
        return (views.Count == 1 ? views[0] : cat(views, -1)).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// For each of <paramref name="embeddings"/> [n, d_llm] (LLM embeddings of items the model was not trained on), the
    /// mean trained collaborative id vector [n, d] of the <paramref name="neighbours"/> trained items whose rows of the
    /// frozen LLM table are nearest by cosine similarity.
    /// </summary>
    internal Tensor NearestTrainedCollaborative(Tensor embeddings, int neighbours)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentOutOfRangeException.ThrowIfLessThan(neighbours, 1);
        if (_semanticTable is null || collaborative_embeddings is null)
        {
            throw new InvalidOperationException("Nearest trained items need both the semantic and the collaborative view.");
        }
        using var scope = NewDisposeScope();
        var trained = nn.functional.normalize(_semanticTable.On(Device, ScalarType.Float32).narrow(0, 1, ItemCount), p: 2, dim: 1);
        var queries = nn.functional.normalize(embeddings.to(ScalarType.Float32, Device), p: 2, dim: 1);
        int k = Math.Min(neighbours, ItemCount);
        using var firstId = 1.ToScalar();
        var ids = new List<Tensor>();
        // A block of queries at a time bounds the similarity matrix whatever the number of new items.
        for (long start = 0; start < queries.shape[0]; start += NeighbourQueryBlock)
        {
            using var block = NewDisposeScope();
            var similarities = queries.narrow(0, start, Math.Min(NeighbourQueryBlock, queries.shape[0] - start)).matmul(trained.t());
            ids.Add(TensorArithmetic.Plus(similarities.topk(k, dim: 1).indexes, firstId).MoveToOuterDisposeScope());
        }
        var nearest = cat(ids, 0);
        var vectors = collaborative_embeddings.weight!.detach().index_select(0, nearest.flatten());
        return vectors.view(nearest.shape[0], k, -1).mean([1]).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor EncodeSequences(Tensor items, Tensor? maskedPositions = null)
        => EncodeFused(items, maskedPositions, (encoder, sequence, padding) => encoder.Encode(sequence, padding, maskedPositions));

    /// <inheritdoc />
    protected override Tensor EncodeLastStates(Tensor items, Tensor? maskedPositions)
        => EncodeFused(items, maskedPositions, (encoder, sequence, padding) => encoder.EncodeLast(sequence, padding, maskedPositions));

    /// <summary>
    /// Fuses the views of <paramref name="items"/> [b, L] over every position, then runs <paramref name="encode"/> (the
    /// whole sequence or its last position) with each view's backbone and concatenates the views' states.
    /// </summary>
    private Tensor EncodeFused(Tensor items, Tensor? maskedPositions, Func<ISequenceEncoder, Tensor, Tensor, Tensor> encode)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var scope = NewDisposeScope();
        var padding = ItemIds.IsReal(items);
        // Masked positions still hold their real item (the backbone swaps in its mask embedding), so the fusion
        // must not let other positions read them: they are hidden from the keys like padding.
        var visible = maskedPositions is null ? padding : padding.logical_and(maskedPositions.logical_not());
        var views = ItemViews(items);
        if (fusion_positions is not null)
        {
            views = new DualView(Positioned(views.Semantic), Positioned(views.Collaborative));
        }
        var fused = Fusion.FuseSequences(views, visible, Direction == SequenceDirection.Causal);
        if (fusion_positions is not null)
        {
            fused = new DualView(ForBackbone(fused.Semantic), ForBackbone(fused.Collaborative));
        }
        var states = new List<Tensor>(2);
        if (fused.Semantic is not null)
        {
            states.Add(encode(SemanticOrSharedEncoder, fused.Semantic, padding));
        }
        if (fused.Collaborative is not null)
        {
            states.Add(encode(CollaborativeEncoder, fused.Collaborative, padding));
        }
        return (states.Count == 1 ? states[0] : cat(states, -1)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor ItemRepresentations(Tensor items)
    {
        using var scope = NewDisposeScope();
        var views = ItemViews(items);
        var present = views.Present().ToList();
        return (present.Count == 1 ? present[0] : cat(present, -1)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor ScoreItems(Tensor states, Tensor items)
    {
        using var scope = NewDisposeScope();
        return Fusion.Score(SplitViews(states), ItemViews(items)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor ScoreAllItems(Tensor states)
    {
        using var scope = NewDisposeScope();
        using var end = (ItemCount + 1).ToScalar();
        var all = ItemViews(TensorArithmetic.Arange(end, ScalarType.Int64, states.device));
        return Fusion.Score(SplitViews(states), all).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override Tensor ComputeLoss(TrainingBatch batch, IRankingLoss loss, NegativeSampler negatives)
    {
        ArgumentNullException.ThrowIfNull(batch);
        using var scope = NewDisposeScope();
        var states = EncodeSequences(batch.Items, batch.MaskedPositions);
        var total = RankingLoss(states, batch, loss, negatives);
        if (self_distillation is not null)
        {
            // A causal training batch holds each user's training input sequence (newest MaxLength items), so its
            // last state is the student and needs no second forward pass; a masked batch hides items, so the
            // student is encoded from the training input sequence itself.
            var student = batch.MaskedPositions is null
                ? states.select(1, states.shape[1] - 1)
                : self_distillation.StudentStates(this, batch.Users);
            total = TensorArithmetic.Plus(total, self_distillation.Compute(this, batch.Users, student));
        }
        return total.MoveToOuterDisposeScope();
    }

    /// <summary>Whether positions enter before the sequence-level fusion (our variant, <see cref="FusionPositions"/>).</summary>
    public bool PositionsBeforeFusion => fusion_positions is not null;

    private Tensor? Positioned(Tensor? view) => view is null ? null : fusion_positions!.call(view);

    private Tensor? ForBackbone(Tensor? view) => view is null ? null : fusion_positions!.BackboneInput(view);

    /// <summary>Splits states [..., views·d] into the views present.</summary>
    private DualView SplitViews(Tensor states)
    {
        if (HasSemanticView && HasCollaborativeView)
        {
            return new DualView(states.narrow(-1, 0, _hiddenSize), states.narrow(-1, _hiddenSize, _hiddenSize));
        }
        return HasSemanticView ? new DualView(states, null) : new DualView(null, states);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _semanticTable?.Dispose();
        }
        base.Dispose(disposing);
    }
}
