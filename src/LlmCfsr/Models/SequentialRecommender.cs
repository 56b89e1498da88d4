using LlmCfsr.Losses;
using LlmCfsr.Scoring;
using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
using LlmCfsr.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models;

/// <summary>
/// The base of every trainable recommender (id-only baselines, LLM-CFSR, LLM-ESR, LLMEmb, ...). A model owns
/// its item representations and its backbone(s); it turns item-id sequences into one state per position
/// (<see cref="EncodeSequences"/>) and scores items against states (<see cref="ScoreItems"/>,
/// <see cref="ScoreAllItems"/>). The trainer only calls <see cref="ComputeLoss"/>; a method with extra terms
/// (self-distillation, alignment) overrides it and adds them to the ranking loss of the base implementation.
/// Evaluation uses the <see cref="IItemScorer"/> members, which run without gradients; switch the module to
/// evaluation mode (<c>eval()</c>) before scoring.
/// </summary>
public abstract class SequentialRecommender : nn.Module, IItemScorer
{
    /// <summary>Creates the model; <paramref name="itemCount"/> items with ids 1..itemCount, windows of <paramref name="maxLength"/>.</summary>
    protected SequentialRecommender(string name, int itemCount, int maxLength) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(itemCount);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxLength);
        ItemCount = itemCount;
        MaxLength = maxLength;
    }

    /// <inheritdoc />
    public int ItemCount { get; }

    /// <summary>The longest window the model encodes; longer histories keep their newest items.</summary>
    public int MaxLength { get; }

    /// <summary>Causal models train on next-item prediction; bidirectional ones on masked items.</summary>
    public abstract SequenceDirection Direction { get; }

    /// <summary>
    /// The ranking loss this model trains with when the options name none (e.g. "bpr" for LLM-CFSR); null
    /// leaves the trainer's default ("bce" for causal models, "ce" for bidirectional ones).
    /// </summary>
    public virtual string? DefaultLoss => null;

    /// <summary>
    /// Called by the trainer before the steps of <paramref name="epoch"/>, which then switches the model to training mode:
    /// for a method whose schedule depends on the epoch (MELT's curriculum and its tail-item refresh). Does nothing by default.
    /// </summary>
    public virtual void OnEpochStarting(TrainingEpoch epoch)
    {
    }

    /// <summary>
    /// Called by the trainer after the steps of <paramref name="epoch"/>, before the model is switched to evaluation mode and
    /// validated: for a method that derives weights from what it trained (CITIES's inferred tail-item embeddings). Does nothing by default.
    /// </summary>
    public virtual void OnEpochTrained(TrainingEpoch epoch)
    {
    }

    /// <summary>
    /// Whether the model trains by a schedule of its own (<see cref="TrainOnOwnSchedule"/>) instead of the trainer's ranking
    /// epochs: for a method whose published training is not a ranking loss (CITIES's stage 2, an inference network fitted to
    /// convergence on held-out head items before the tail rows are replaced once). False by default.
    /// </summary>
    public virtual bool TrainsOnOwnSchedule => false;

    /// <summary>
    /// Trains the model by its own schedule (when <see cref="TrainsOnOwnSchedule"/>); the trainer then validates it once and
    /// keeps it. Reports progress once per epoch of that schedule (<see cref="TrainingProgress.Validation"/> null).
    /// </summary>
    /// <exception cref="NotSupportedException">The model trains by the trainer's epochs.</exception>
    /// <exception cref="OperationCanceledException">Cancelled.</exception>
    public virtual OwnScheduleResult TrainOnOwnSchedule(IProgress<TrainingProgress>? progress, CancellationToken cancellationToken)
        => throw new NotSupportedException($"{GetName()} trains by the trainer's epochs, not by a schedule of its own.");

    /// <summary>
    /// <paramref name="inputs"/> with the frozen tables this model reads but does not keep in its weights filled in (e.g. the
    /// LLM item table of a semantic view, LLM2X's reduced table), on the CPU, sharing the model's storage: with the model's
    /// options and weights they rebuild it for scoring (<see cref="RecommenderModels.Create"/>) without the dataset or the
    /// embedding files, as a model bundle does. Models without frozen tables return <paramref name="inputs"/>.
    /// </summary>
    public virtual RecommenderModelInputs WithFrozenTables(RecommenderModelInputs inputs) => inputs;

    /// <summary>
    /// Why this model cannot train, or null: it was built for scoring without an input only training needs (a teacher's
    /// item table, user embeddings, the LLM embeddings that initialise an id table). Computing a loss throws with it.
    /// </summary>
    public string? MissingTrainingInput { get; private set; }

    /// <summary>Marks the model as built for scoring only, because <paramref name="input"/> was not given.</summary>
    internal void MarkScoringOnly(ModelInput input) => MissingTrainingInput = ModelInputDescriptions.Missing(GetName(), input).Message;

    /// <summary>The device the parameters live on.</summary>
    public Device Device => parameters().First().device;

    /// <summary>
    /// States [b, L, d] for item ids [b, L] (int64, left-padded with 0). <paramref name="maskedPositions"/>
    /// [b, L] marks positions a bidirectional backbone replaces by its mask embedding.
    /// </summary>
    public abstract Tensor EncodeSequences(Tensor items, Tensor? maskedPositions = null);

    /// <summary>Representations [..., d] of item ids [...] (int64), as states are scored against.</summary>
    public abstract Tensor ItemRepresentations(Tensor items);

    /// <summary>Scores [n, k] of candidates [n, k] for states [n, d]; the dot product unless a model fuses scores.</summary>
    public virtual Tensor ScoreItems(Tensor states, Tensor items)
    {
        using var scope = NewDisposeScope();
        return ItemRepresentations(items).matmul(states.unsqueeze(-1)).squeeze(-1).MoveToOuterDisposeScope();
    }

    /// <summary>Scores [n, ItemCount + 1] of every id (column 0 is padding) for states [n, d].</summary>
    public virtual Tensor ScoreAllItems(Tensor states)
    {
        using var scope = NewDisposeScope();
        using var end = (ItemCount + 1).ToScalar();
        var all = ItemRepresentations(TensorArithmetic.Arange(end, ScalarType.Int64, states.device));
        return states.matmul(all.t()).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The scalar training loss of one batch: the ranking <paramref name="loss"/> over every position with a
    /// target, with negatives from <paramref name="negatives"/> for sampled losses. Override to add
    /// method-specific terms (call the base and add to it).
    /// </summary>
    public virtual Tensor ComputeLoss(TrainingBatch batch, IRankingLoss loss, NegativeSampler negatives)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(negatives);
        using var scope = NewDisposeScope();
        var states = EncodeSequences(batch.Items, batch.MaskedPositions);
        return RankingLoss(states, batch, loss, negatives).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The ranking <paramref name="loss"/> of <paramref name="states"/> [b, L, d] (this model's states of
    /// <paramref name="batch"/>) over every position with a target: for a model whose extra terms reuse the states.
    /// </summary>
    protected Tensor RankingLoss(Tensor states, TrainingBatch batch, IRankingLoss loss, NegativeSampler negatives)
    {
        ArgumentNullException.ThrowIfNull(states);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(loss);
        ArgumentNullException.ThrowIfNull(negatives);
        if (MissingTrainingInput is not null)
        {
            throw new InvalidOperationException(MissingTrainingInput);
        }
        using var scope = NewDisposeScope();
        var rows = ItemIds.IsReal(batch.Targets.reshape(-1)).nonzero().squeeze(1);
        var rowStates = states.reshape(-1, states.shape[2]).index_select(0, rows);
        var targets = batch.Targets.reshape(-1).index_select(0, rows);
        Tensor result;
        if (loss.Input == RankingLossInput.SampledNegatives)
        {
            var users = batch.Users.unsqueeze(1).expand(batch.Items.shape[0], batch.Items.shape[1]).reshape(-1).index_select(0, rows);
            var sampled = negatives.Sample(users, loss.NegativeSamples).to(rowStates.device);
            var positive = ScoreItems(rowStates, targets.unsqueeze(1)).squeeze(1);
            result = loss.Compute(RankingScores.Sampled(positive, ScoreItems(rowStates, sampled)));
        }
        else
        {
            // Column 0 is padding and never a target: drop it so the softmax runs over real items only.
            var logits = ScoreAllItems(rowStates).narrow(1, 1, ItemCount);
            using var one = 1.ToScalar();
            result = loss.Compute(RankingScores.Full(logits, targets.sub(one)));
        }
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The state [b, d] that predicts the next item after each history [b, L] (left-padded). Causal models
    /// read the last column; bidirectional models drop the oldest item and append a masked position.
    /// </summary>
    public virtual Tensor EncodeHistories(Tensor histories)
    {
        ArgumentNullException.ThrowIfNull(histories);
        using var scope = NewDisposeScope();
        var items = TrimPadding(histories.to(ScalarType.Int64).to(Device));
        long length = items.shape[1];
        Tensor? masked = null;
        if (Direction == SequenceDirection.Bidirectional)
        {
            var keep = Math.Min(length, MaxLength - 1);
            var maskColumn = ones(items.shape[0], 1, dtype: ScalarType.Int64, device: items.device);
            // The masked slot carries a placeholder real id so the padding mask counts it; the backbone replaces it.
            items = cat(new[] { items.narrow(1, length - keep, keep), maskColumn }, 1);
            masked = zeros_like(items, dtype: ScalarType.Bool);
            masked[TensorIndex.Colon, TensorIndex.Single(-1)] = tensor(true, device: items.device);
        }
        else if (length > MaxLength)
        {
            items = items.narrow(1, length - MaxLength, MaxLength);
        }
        return EncodeLastStates(items, masked).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The states [b, d] of the last column of item ids [b, L] (int64, left-padded): the last column of
    /// <see cref="EncodeSequences"/>, which this default computes. Override to let the backbone skip the rows only other
    /// positions need (<see cref="ISequenceEncoder.EncodeLast"/>).
    /// </summary>
    protected virtual Tensor EncodeLastStates(Tensor items, Tensor? maskedPositions)
    {
        ArgumentNullException.ThrowIfNull(items);
        using var scope = NewDisposeScope();
        var states = EncodeSequences(items, maskedPositions);
        return states.select(1, states.shape[1] - 1).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Drops the leading columns that are padding in every row (keeping at least one): the backbones count
    /// positions from the newest column and never attend to padding, so the states of real positions do not change,
    /// and short histories padded to a long window are not encoded at the window's width.
    /// </summary>
    protected static Tensor TrimPadding(Tensor items)
    {
        long length = items.shape[1];
        var columnHasItem = ItemIds.IsReal(items).any(0);
        // argmax over the 0/1 column flags finds the first column holding a real item (0 if there is none).
        long first = columnHasItem.any().item<bool>() ? columnHasItem.to(ScalarType.Int32).argmax().item<long>() : length - 1;
        return first == 0 ? items : items.narrow(1, first, length - first);
    }

    /// <inheritdoc />
    public Tensor ScoreCandidates(Tensor histories, Tensor candidates)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var states = EncodeHistories(histories);
        return ScoreItems(states, candidates.to(ScalarType.Int64).to(states.device)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor ScoreAll(Tensor histories)
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        return ScoreAllItems(EncodeHistories(histories)).MoveToOuterDisposeScope();
    }
}
