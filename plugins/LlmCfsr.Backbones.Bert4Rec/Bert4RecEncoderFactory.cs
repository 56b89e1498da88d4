using LlmCfsr.Sequences;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Backbones.Bert4Rec;

/// <summary>Creates <see cref="Bert4RecEncoder"/> backbones; registered as "bert4rec".</summary>
internal sealed class Bert4RecEncoderFactory : ISequenceEncoderFactory
{
    private readonly IOptions<Bert4RecOptions> _options;

    /// <summary>Creates the factory over the bound and validated options.</summary>
    public Bert4RecEncoderFactory(IOptions<Bert4RecOptions> options) => _options = options;

    /// <inheritdoc />
    public string Name => "bert4rec";

    /// <inheritdoc />
    public SequenceDirection Direction => SequenceDirection.Bidirectional;

    /// <inheritdoc />
    public ISequenceEncoder Create(SequenceEncoderSettings settings) => new Bert4RecEncoder(settings, _options.Value);
}
