namespace LlmCfsr.Models;

/// <summary>
/// Options of LLMEmb (<see cref="LlmEmbRecommender"/>): the adapter over the SCFT-fine-tuned item embeddings and the
/// recommendation-adaptation training (RAT) alignment to a trained id-only teacher; defaults from the official code.
/// </summary>
public sealed record LlmEmbOptions : BackboneModelOptions
{
    /// <summary>Dropout inside the semantic adapter; 0 by default.</summary>
    public double AdapterDropout { get; set; }

    /// <summary>Weight α of the alignment term added to the ranking loss; 0.01 as in the official scripts.</summary>
    public double AlignmentWeight { get; set; } = 0.01;

    /// <summary>Temperature τ of the soft-target contrastive alignment (<see cref="Losses.SoftTargetContrastiveLoss"/>); 2 as in the official scripts.</summary>
    public double Temperature { get; set; } = 2;

    /// <summary>At most this many target positions of a batch enter the alignment term (a random subset beyond), bounding its [n, n] similarity matrices; the official code uses every target.</summary>
    public int MaxAlignmentItems { get; set; } = 4096;

    /// <summary>The registered id-only model LLMEmb aligns to: "sasrec", as in the official code.</summary>
    public string Teacher { get; set; } = "sasrec";

    /// <inheritdoc />
    /// <remarks>LLMEmb reads the embeddings of its own SCFT-fine-tuned encoder, never LLM-CFSR's CFT ones (issue 13).</remarks>
    public override ModelInput Inputs => ModelInput.ScftEmbeddings | ModelInput.TeacherRun;

    /// <inheritdoc />
    public override string? TeacherModel => Teacher;

    /// <remarks>Runs before format 4 read these embeddings from TrainingOptions.SemanticEmbeddingsPath.</remarks>
    internal override ModelInput InputsBeforeFormat4 => ModelInput.SemanticEmbeddings | ModelInput.TeacherRun;

    /// <inheritdoc />
    public override IEnumerable<string> Validate(string section) => base.Validate(section)
        .Concat(OptionChecks.Probability($"{section}:{nameof(AdapterDropout)}", AdapterDropout))
        .Concat(OptionChecks.NonNegative($"{section}:{nameof(AlignmentWeight)}", AlignmentWeight))
        .Concat(OptionChecks.Positive($"{section}:{nameof(Temperature)}", Temperature))
        .Concat(MaxAlignmentItems >= 2 ? [] : [$"{section}:{nameof(MaxAlignmentItems)} must be at least 2 (got {MaxAlignmentItems})."])
        .Concat(OptionChecks.Named($"{section}:{nameof(Teacher)}", Teacher, "sasrec"));
}
