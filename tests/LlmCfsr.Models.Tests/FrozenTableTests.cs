using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Models.Tests;

/// <summary>
/// Why the models keep their frozen input tables in <see cref="FrozenTable"/> rather than in
/// <c>register_buffer(name, tensor, persistent: false)</c>, and that <see cref="FrozenTable"/> does what such a buffer
/// should: follow the model's device and floating dtype, leave integer tables (LLM-ESR's neighbour lists) integer,
/// and stay out of the saved weights.
/// </summary>
public sealed class FrozenTableTests
{
    /// <summary>
    /// TorchSharp 0.107's <c>Module.named_buffers</c> skips non-persistent buffers even with
    /// <c>include_nonpersistent: true</c>, and <c>to()</c> and <c>Dispose()</c> walk that list: such a buffer would
    /// neither follow the model to another dtype or device nor be disposed with it. When this test fails, TorchSharp
    /// handles them, and the models can register their tables as non-persistent buffers instead.
    /// </summary>
    [Fact]
    public void TorchSharpsNonPersistentBuffersDoNotFollowTheModule()
    {
        using var module = new Holder();
        Assert.DoesNotContain(module.named_buffers(include_nonpersistent: true), buffer => buffer.name == "table");
        Assert.DoesNotContain("table", module.state_dict().Keys);
        module.to(ScalarType.Float64);
        Assert.Equal(ScalarType.Float32, module.Table.dtype);
    }

    [Fact]
    public void FloatingTablesFollowTheRequestedDtypeAndIntegerTablesStayInteger()
    {
        using var floating = new FrozenTable(ones(3, 2));
        using var integers = new FrozenTable(tensor(new long[] { 4, 5, 6 }));
        Assert.Equal(ScalarType.Float64, floating.On(CPU, ScalarType.Float64).dtype);
        Assert.Equal(ScalarType.Int64, integers.On(CPU).dtype);
        using var ids = tensor(new long[] { 2, 0 });
        Assert.Equal(new[] { 6L, 4L }, integers.On(CPU).index_select(0, ids).data<long>().ToArray());
    }

    [Fact]
    public void AModelsFrozenTablesAreNotInItsSavedWeights()
    {
        using var services = TestServices.Build();
        using var model = Fixtures.Create(services, "llm-esr");
        var saved = model.state_dict().Values.ToList();
        Assert.NotEmpty(saved);
        // The raw LLM table [items + 1, 24] and the neighbour lists (int64) are inputs, rebuilt from the recorded files.
        Assert.DoesNotContain(saved, tensor => tensor.shape.SequenceEqual(new long[] { Fixtures.Small.ItemCount + 1, 24 }));
        Assert.DoesNotContain(saved, tensor => tensor.dtype == ScalarType.Int64);
    }

    private sealed class Holder : nn.Module
    {
        public Holder() : base(nameof(Holder))
        {
            Table = ones(4, 2);
            register_buffer("table", Table, persistent: false);
        }

        public Tensor Table { get; }
    }
}
