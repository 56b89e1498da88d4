using LlmCfsr.Embeddings;
using LlmCfsr.Embeddings.Tests.MiniLM;
using LlmCfsr.Encoders.MiniLM;
using LlmCfsr.Prompts;

namespace LlmCfsr.Embeddings.Tests.Embeddings;

[Collection(MiniLmCollection.Name)]
public sealed class MiniLmResumeTests(MiniLmEncoderFixture fixture) : IDisposable
{
    private readonly MiniLmEncoder _encoder = fixture.Encoder;
    private readonly string _folder = Directory.CreateTempSubdirectory("llmcfsr-minilm-resume-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Interrupted_and_resumed_real_model_run_is_byte_identical()
    {
        // Floating-point results depend on batch composition; resuming at chunk boundaries keeps every batch
        // as in the uninterrupted run, so even a real model reproduces the file bit for bit.
        var dataset = TestDatasets.Office(20);
        var options = new ItemEmbeddingGenerationOptions { BatchSize = 3, CheckpointInterval = 8 };
        var whole = Path.Combine(_folder, "whole.safetensors");
        new ItemEmbeddingGenerator(_encoder, ItemPromptTemplates.Generic, options).Generate(dataset, whole);

        var resumed = Path.Combine(_folder, "resumed.safetensors");
        using var cancel = new CancellationTokenSource();
        var stop = new SynchronousProgress<ItemEmbeddingProgress>(p =>
        {
            if (p.Completed >= 8)
            {
                cancel.Cancel();
            }
        });
        Assert.ThrowsAny<OperationCanceledException>(() => new ItemEmbeddingGenerator(_encoder, ItemPromptTemplates.Generic, options).Generate(dataset, resumed, stop, cancel.Token));
        new ItemEmbeddingGenerator(_encoder, ItemPromptTemplates.Generic, options).Generate(dataset, resumed);

        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(resumed));
    }
}
