using LlmCfsr.Encoders.MiniLM;

namespace LlmCfsr.Embeddings.Tests.MiniLM;

/// <summary>One loaded model shared by the MiniLM tests (loading the 90 MB graph takes about a second).</summary>
public sealed class MiniLmEncoderFixture : IDisposable
{
    public MiniLmEncoder Encoder { get; } = new();

    public void Dispose() => Encoder.Dispose();
}

[CollectionDefinition(Name)]
public sealed class MiniLmCollection : ICollectionFixture<MiniLmEncoderFixture>
{
    public const string Name = "MiniLM";
}
