using LlmCfsr.Sequences;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Backbones.Gru4Rec;

/// <summary>Creates <see cref="Gru4RecEncoder"/> backbones; registered as "gru4rec".</summary>
internal sealed class Gru4RecEncoderFactory : ISequenceEncoderFactory
{
    private readonly IOptions<Gru4RecOptions> _options;

    /// <summary>Creates the factory over the bound and validated options.</summary>
    public Gru4RecEncoderFactory(IOptions<Gru4RecOptions> options) => _options = options;

    /// <inheritdoc />
    public string Name => "gru4rec";

    /// <inheritdoc />
    public SequenceDirection Direction => SequenceDirection.Causal;

    /// <inheritdoc />
    public ISequenceEncoder Create(SequenceEncoderSettings settings) => new Gru4RecEncoder(settings, _options.Value);
}
