namespace LlmCfsr.Models;

/// <summary>
/// Options of the id-only baselines (<see cref="IdOnlyRecommender"/>: SASRec, GRU4Rec, BERT4Rec as published). They have
/// no settings of their own: the backbone is the one registered under the model's name, its knobs are the backbone's options.
/// </summary>
public sealed record IdOnlyModelOptions : RecommenderModelOptions;
