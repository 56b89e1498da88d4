using LlmCfsr.Backbones.Gru4Rec;
using LlmCfsr.Sequences;
using LlmCfsr.Testing;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Backbones.Tests.Conformance;

public sealed class Gru4RecConformanceTests : SequenceEncoderConformanceTests
{
    protected override ISequenceEncoderFactory CreateFactory() => new Gru4RecEncoderFactory(Options.Create(new Gru4RecOptions()));
}
