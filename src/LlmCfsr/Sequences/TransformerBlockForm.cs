namespace LlmCfsr.Sequences;

/// <summary>Where a <see cref="TransformerBlock"/> normalises and which feed-forward activation it uses.</summary>
public enum TransformerBlockForm
{
    /// <summary>
    /// The reference SASRec code: Q = LN(x); h = LN(Q + MHA(Q, x, x)); out = h + FFN(h), FFN = Linear-ReLU-Dropout-Linear-Dropout.
    /// </summary>
    SasRec,

    /// <summary>BERT's post-norm block: h = LN(x + Dropout(MHA(x))); out = LN(h + Dropout(FFN(h))), FFN = Linear-GELU-Linear.</summary>
    PostNorm,
}
