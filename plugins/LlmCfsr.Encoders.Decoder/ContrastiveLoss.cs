using LlmCfsr.Losses;
using LlmCfsr.Tensors;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Encoders.Decoder;

/// <summary>The contrastive losses of CFT over view embeddings (similarity = inner product of the rows given).</summary>
public static class ContrastiveLoss
{
    /// <summary>The loss of <paramref name="objective"/> over K view tables [B, d] at logit scale <paramref name="logitScale"/> = 1/τ.</summary>
    public static Tensor Of(ContrastiveObjective objective, IReadOnlyList<Tensor> views, Tensor logitScale)
    {
        ArgumentNullException.ThrowIfNull(views);
        ArgumentNullException.ThrowIfNull(logitScale);
        return objective switch
        {
            ContrastiveObjective.CfsrPaper => CfsrPaper(views, logitScale),
            ContrastiveObjective.InfoNce => InfoNce(views, logitScale),
            ContrastiveObjective.SupervisedContrastive => SupervisedContrastive(views, logitScale),
            ContrastiveObjective.Scft => views.Count == 2
                ? Scft(views[0], views[1], logitScale)
                : throw new ArgumentException($"SCFT contrasts exactly two views per item (got {views.Count}).", nameof(views)),
            _ => throw new ArgumentOutOfRangeException(nameof(objective), objective, "Unknown contrastive objective."),
        };
    }

    /// <summary>
    /// LLM-CFSR's CFT loss (paper §2.3.3). For views a and b of B items and logits Sᵢₖ = s·⟨aᵢ, bₖ⟩ (s = 1/τ):
    /// Lᵃᵇ = 1/B Σᵢ (−Sᵢᵢ + ln Σ_{k≠i} exp Sᵢₖ) — the positive is excluded from the denominator — and
    /// L = Lᵃᵇ + Lᵇᵃ, the sum of both directions. With K &gt; 2 views the pair losses are averaged over the K(K−1)/2 pairs.
    /// The loss can be negative (the positive may outweigh all negatives together).
    /// </summary>
    /// <param name="views">K tensors [B, d], row i of each being item i; B ≥ 2.</param>
    /// <param name="logitScale">Scalar 1/τ.</param>
    public static Tensor CfsrPaper(IReadOnlyList<Tensor> views, Tensor logitScale)
    {
        ArgumentNullException.ThrowIfNull(views);
        if (views.Count < 2 || views[0].shape[0] < 2)
        {
            throw new ArgumentException("The CFT loss needs at least two views of at least two items (the other items are the negatives).", nameof(views));
        }
        using var scope = torch.NewDisposeScope();
        var self = torch.eye(views[0].shape[0], dtype: ScalarType.Bool, device: views[0].device);
        using var excluded = double.NegativeInfinity.ToScalar();
        Tensor Direction(Tensor logits)
            => (logits.masked_fill(self, excluded).logsumexp(1) - logits.diagonal()).mean();
        var terms = new List<Tensor>();
        for (int a = 0; a < views.Count; a++)
        {
            for (int b = a + 1; b < views.Count; b++)
            {
                var logits = logitScale * torch.matmul(views[a], views[b].t());
                terms.Add(TensorArithmetic.Plus(Direction(logits), Direction(logits.t())));
            }
        }
        return torch.stack(terms).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Symmetric in-batch InfoNCE averaged over every pair of views: for views a and b of B items,
    /// (CE(s·A·Bᵀ, diag) + CE(s·B·Aᵀ, diag)) / 2 with logit scale s = 1/τ.
    /// </summary>
    /// <param name="views">K tensors [B, d], row i of each being item i.</param>
    /// <param name="logitScale">Scalar 1/τ.</param>
    public static Tensor InfoNce(IReadOnlyList<Tensor> views, Tensor logitScale)
    {
        ArgumentNullException.ThrowIfNull(views);
        if (views.Count < 2)
        {
            throw new ArgumentException("InfoNCE needs at least two views per item.", nameof(views));
        }
        using var scope = torch.NewDisposeScope();
        using var itemCount = views[0].shape[0].ToScalar();
        using var two = 2.ToScalar();
        var labels = TensorArithmetic.Arange(itemCount, ScalarType.Int64, views[0].device);
        var terms = new List<Tensor>();
        for (int a = 0; a < views.Count; a++)
        {
            for (int b = a + 1; b < views.Count; b++)
            {
                var logits = logitScale * torch.matmul(views[a], views[b].t());
                terms.Add(TensorArithmetic.Plus(nn.functional.cross_entropy(logits, labels), nn.functional.cross_entropy(logits.t(), labels)).div(two));
            }
        }
        return torch.stack(terms).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Supervised contrastive loss (Khosla et al., 2020; LLMEmb): over all K·B views, each anchor's positives are
    /// the other views of its item; loss = −mean over anchors and positives of log softmax over all other views.
    /// </summary>
    public static Tensor SupervisedContrastive(IReadOnlyList<Tensor> views, Tensor logitScale)
    {
        ArgumentNullException.ThrowIfNull(views);
        if (views.Count < 2)
        {
            throw new ArgumentException("Supervised contrastive loss needs at least two views per item.", nameof(views));
        }
        using var scope = torch.NewDisposeScope();
        long items = views[0].shape[0];
        var all = torch.cat(views.ToArray(), dim: 0);
        long n = all.shape[0];
        var device = all.device;
        using var itemCount = items.ToScalar();
        using var excluded = float.MinValue.ToScalar();
        using var zero = 0.ToScalar();
        var itemOf = TensorArithmetic.Arange(itemCount, ScalarType.Int64, device).repeat(views.Count);
        var self = torch.eye(n, dtype: ScalarType.Bool, device: device);
        var positives = itemOf.unsqueeze(0).eq(itemOf.unsqueeze(1)).logical_and(self.logical_not());
        var logits = (logitScale * torch.matmul(all, all.t())).masked_fill(self, excluded);
        var logProbabilities = logits.log_softmax(1);
        var positiveLog = logProbabilities.masked_fill(positives.logical_not(), zero).sum(1) / positives.sum(1).to(ScalarType.Float32);
        return (-positiveLog.mean()).MoveToOuterDisposeScope();
    }

    private static Tensor Scft(Tensor first, Tensor second, Tensor logitScale)
    {
        using var scope = torch.NewDisposeScope();
        return SoftTargetContrastiveLoss.Compute(first, second, logitScale.reciprocal()).MoveToOuterDisposeScope();
    }
}
