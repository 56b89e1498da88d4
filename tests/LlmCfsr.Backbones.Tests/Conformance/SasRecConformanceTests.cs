using LlmCfsr.Backbones.SasRec;
using LlmCfsr.Sequences;
using LlmCfsr.Testing;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Backbones.Tests.Conformance;

public sealed class SasRecConformanceTests : SequenceEncoderConformanceTests
{
    protected override ISequenceEncoderFactory CreateFactory() => new SasRecEncoderFactory(Options.Create(new SasRecOptions()));
}
