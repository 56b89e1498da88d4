using LlmCfsr.Backbones.Bert4Rec;
using LlmCfsr.Sequences;
using LlmCfsr.Testing;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Backbones.Tests.Conformance;

public sealed class Bert4RecConformanceTests : SequenceEncoderConformanceTests
{
    protected override ISequenceEncoderFactory CreateFactory() => new Bert4RecEncoderFactory(Options.Create(new Bert4RecOptions()));
}
