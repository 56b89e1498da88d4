using LlmCfsr.Sequences;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Backbones.SasRec;

/// <summary>Creates <see cref="SasRecEncoder"/> backbones; registered as "sasrec".</summary>
internal sealed class SasRecEncoderFactory : ISequenceEncoderFactory
{
    private readonly IOptions<SasRecOptions> _options;

    /// <summary>Creates the factory over the bound and validated options.</summary>
    public SasRecEncoderFactory(IOptions<SasRecOptions> options) => _options = options;

    /// <inheritdoc />
    public string Name => "sasrec";

    /// <inheritdoc />
    public SequenceDirection Direction => SequenceDirection.Causal;

    /// <inheritdoc />
    public ISequenceEncoder Create(SequenceEncoderSettings settings) => new SasRecEncoder(settings, _options.Value);
}
