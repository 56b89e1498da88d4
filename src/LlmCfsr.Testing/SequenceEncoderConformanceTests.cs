using LlmCfsr.Sequences;
using LlmCfsr.Tensors;
using TorchSharp;
using TorchSharp.PyBridge;
using Xunit;
using static TorchSharp.torch;

namespace LlmCfsr.Testing;

/// <summary>
/// The conformance suite every <see cref="ISequenceEncoder"/> must pass. Derive a test class, return your
/// factory from <see cref="CreateFactory"/>, and xunit runs every check: shapes, independence of real positions
/// from padded inputs (left padding), determinism under a seed, a save/load round trip through safetensors, a
/// gradient for every parameter, that positions see what the declared direction allows (a causal position
/// never sees later items; a bidirectional one does), the masked-position contract, and that the last-position entry
/// point (<see cref="ISequenceEncoder.EncodeLast"/>) gives the whole pass's last column. The checks use torch's
/// default generator; they serialise among themselves, but switch off test parallelisation in your test
/// assembly if other tests seed or draw from that generator too.
/// </summary>
public abstract class SequenceEncoderConformanceTests
{
    private static readonly object RandomGate = new();

    /// <summary>The factory under test.</summary>
    protected abstract ISequenceEncoderFactory CreateFactory();

    /// <summary>Tiny sizes that keep the suite fast; override to test other shapes.</summary>
    protected virtual SequenceEncoderSettings Settings { get; } = new() { HiddenSize = 16, MaxLength = 8, Layers = 2, Heads = 2, Dropout = 0.1 };

    /// <summary>Absolute tolerance of "unchanged" comparisons.</summary>
    protected virtual double Tolerance => 1e-5;

    /// <summary>Name, direction and hidden size agree between factory and backbone.</summary>
    [Fact]
    public void FactoryAndBackboneAgree()
    {
        var factory = CreateFactory();
        using var encoder = Create(factory, 1);
        var backbone = (ISequenceEncoder)encoder;
        Assert.Equal(factory.Name, backbone.Name);
        Assert.Equal(factory.Direction, backbone.Direction);
        Assert.Equal(Settings.HiddenSize, backbone.HiddenSize);
        Assert.NotEmpty(encoder.parameters());
    }

    /// <summary>One finite hidden state per position, for the maximum length and a shorter one.</summary>
    [Fact]
    public void EncodeReturnsOneStatePerPosition()
    {
        using var encoder = Create(CreateFactory(), 1);
        encoder.eval();
        using var scope = NewDisposeScope();
        foreach (int length in new[] { Settings.MaxLength, Math.Max(1, Settings.MaxLength / 2) })
        {
            var (embeddings, padding) = Inputs(length, 7);
            var states = Encode(encoder, embeddings, padding);
            Assert.Equal(new long[] { 3, length, Settings.HiddenSize }, states.shape);
            using var width = length.ToScalar();
            Assert.True(states.index_select(1, TensorArithmetic.Arange(width, ScalarType.Int64, device: null)).masked_select(padding.unsqueeze(-1)).isfinite().all().item<bool>(), "Hidden states at real positions must be finite.");
        }
    }

    /// <summary>With left padding, changing the inputs at padded positions leaves every real position's output unchanged.</summary>
    [Fact]
    public void RealPositionsIgnorePaddedInputs()
    {
        using var encoder = Create(CreateFactory(), 1);
        encoder.eval();
        using var scope = NewDisposeScope();
        var (embeddings, padding) = Inputs(Settings.MaxLength, 7);
        using var ten = 10.ToScalar();
        var noise = Noise(embeddings.shape, 11).mul(ten);
        var changed = where(padding.unsqueeze(-1), embeddings, noise);
        var before = Encode(encoder, embeddings, padding);
        var after = Encode(encoder, changed, padding);
        AssertClose(before.masked_select(padding.unsqueeze(-1)), after.masked_select(padding.unsqueeze(-1)), "real positions after changing padded inputs");
    }

    /// <summary>
    /// Extra left padding changes nothing at real positions: a window of the newest items and the same items in a
    /// longer, more padded window give the same states, so training windows and evaluation histories agree.
    /// </summary>
    [Fact]
    public void ExtraLeftPaddingChangesNothing()
    {
        using var encoder = Create(CreateFactory(), 1);
        encoder.eval();
        using var scope = NewDisposeScope();
        int length = Settings.MaxLength;
        int shorter = Math.Max(1, length - 3);
        var (embeddings, padding) = Inputs(length, 7);
        // Row 1 has exactly `shorter` real items at the end; encode them alone in a window of that size.
        var padded = Encode(encoder, embeddings.narrow(0, 1, 1), padding.narrow(0, 1, 1)).narrow(1, length - shorter, shorter);
        var alone = Encode(encoder, embeddings.narrow(0, 1, 1).narrow(1, length - shorter, shorter), padding.narrow(0, 1, 1).narrow(1, length - shorter, shorter));
        AssertClose(padded, alone, "real positions in a more padded window");
    }

    /// <summary>The same seed gives the same parameters and, in training mode, the same dropout; another seed gives other parameters.</summary>
    [Fact]
    public void SeedMakesCreationAndTrainingRepeatable()
    {
        var factory = CreateFactory();
        using var first = Create(factory, 5);
        using var second = Create(factory, 5);
        using var other = Create(factory, 6);
        using var scope = NewDisposeScope();
        var firstParameters = first.named_parameters().ToList();
        var secondParameters = second.named_parameters().ToDictionary(p => p.name, p => p.parameter);
        Assert.Equal(firstParameters.Select(p => p.name), secondParameters.Keys);
        foreach (var (name, parameter) in firstParameters)
        {
            Assert.True(parameter.allclose(secondParameters[name], 0, 0), $"Parameter '{name}' differs between two backbones created under the same seed.");
        }
        Assert.Contains(other.named_parameters(), p => !p.parameter.allclose(secondParameters[p.name], 0, 0));

        var (embeddings, padding) = Inputs(Settings.MaxLength, 7);
        first.train();
        second.train();
        Tensor a, b;
        lock (RandomGate)
        {
            manual_seed(9);
            a = Encode(first, embeddings, padding);
            manual_seed(9);
            b = Encode(second, embeddings, padding);
        }
        Assert.True(a.allclose(b, 0, 0), "Training-mode outputs differ under the same seed.");
    }

    /// <summary>Weights saved to safetensors and loaded into a backbone created under another seed reproduce the outputs.</summary>
    [Fact]
    public void SaveAndLoadRoundTrip()
    {
        var factory = CreateFactory();
        using var saved = Create(factory, 1);
        using var loaded = Create(factory, 2);
        saved.eval();
        loaded.eval();
        using var scope = NewDisposeScope();
        var (embeddings, padding) = Inputs(Settings.MaxLength, 7);
        using var stream = new MemoryStream();
        saved.save_safetensors(stream, leaveOpen: true);
        stream.Position = 0;
        loaded.load_safetensors(stream, strict: true, leaveOpen: true);
        var expected = Encode(saved, embeddings, padding).masked_select(padding.unsqueeze(-1));
        var actual = Encode(loaded, embeddings, padding).masked_select(padding.unsqueeze(-1));
        AssertClose(expected, actual, "outputs after a safetensors round trip");
    }

    /// <summary>A loss over the real positions' outputs sends a non-zero gradient to every parameter.</summary>
    [Fact]
    public void EveryParameterReceivesAGradient()
    {
        using var encoder = Create(CreateFactory(), 1);
        var backbone = (ISequenceEncoder)encoder;
        encoder.eval();
        using var scope = NewDisposeScope();
        var (embeddings, padding) = Inputs(Settings.MaxLength, 7);
        Tensor? masked = null;
        if (backbone.Direction == SequenceDirection.Bidirectional)
        {
            masked = zeros_like(padding);
            masked[0, Settings.MaxLength - 1] = tensor(true);
        }
        var states = backbone.Encode(embeddings, padding, masked);
        var weights = Noise(states.shape, 3);
        (states * weights * padding.unsqueeze(-1)).sum().backward();
        foreach (var (name, parameter) in encoder.named_parameters())
        {
            Assert.True(parameter.grad is not null, $"Parameter '{name}' received no gradient.");
            Assert.True(parameter.grad!.abs().sum().item<float>() > 0, $"Parameter '{name}' received an all-zero gradient.");
        }
    }

    /// <summary>
    /// Changing the newest items of a full row: a causal backbone's outputs at earlier positions must not move
    /// (no peeking), while a bidirectional backbone's must; the changed positions' outputs move in both cases.
    /// </summary>
    [Fact]
    public void PositionsSeeWhatTheDirectionAllows()
    {
        using var encoder = Create(CreateFactory(), 1);
        var backbone = (ISequenceEncoder)encoder;
        encoder.eval();
        using var scope = NewDisposeScope();
        int length = Settings.MaxLength;
        int split = length / 2;
        var (embeddings, padding) = Inputs(length, 7);
        using var width = length.ToScalar();
        using var first = split.ToScalar();
        var later = TensorArithmetic.Arange(width, ScalarType.Int64, device: null).ge(first).view(1, length, 1);
        var changed = where(later, Noise(embeddings.shape, 13), embeddings);
        // Row 0 has no padding, so every position is real.
        var before = Encode(encoder, embeddings, padding)[0];
        var after = Encode(encoder, changed, padding)[0];
        var earlierBefore = before.narrow(0, 0, split);
        var earlierAfter = after.narrow(0, 0, split);
        Assert.False(before.narrow(0, split, length - split).allclose(after.narrow(0, split, length - split), 0, Tolerance), "Changing items did not change the outputs at their own positions.");
        if (backbone.Direction == SequenceDirection.Causal)
        {
            AssertClose(earlierBefore, earlierAfter, "earlier positions after changing later items (a causal position must not see later items)");
        }
        else
        {
            Assert.False(earlierBefore.allclose(earlierAfter, 0, Tolerance), "A bidirectional backbone's earlier positions did not react to later items.");
        }
    }

    /// <summary>Causal backbones reject masked positions; bidirectional ones ignore the input at a masked position.</summary>
    [Fact]
    public void MaskedPositionsFollowTheContract()
    {
        using var encoder = Create(CreateFactory(), 1);
        var backbone = (ISequenceEncoder)encoder;
        encoder.eval();
        using var scope = NewDisposeScope();
        var (embeddings, padding) = Inputs(Settings.MaxLength, 7);
        var masked = zeros_like(padding);
        masked[TensorIndex.Colon, Settings.MaxLength - 1] = tensor(true);
        if (backbone.Direction == SequenceDirection.Causal)
        {
            Assert.Throws<ArgumentException>(() => backbone.Encode(embeddings, padding, masked));
            return;
        }
        using var ten = 10.ToScalar();
        var changed = where(masked.unsqueeze(-1), Noise(embeddings.shape, 17).mul(ten), embeddings);
        var before = backbone.Encode(embeddings, padding, masked).masked_select(padding.unsqueeze(-1));
        var after = backbone.Encode(changed, padding, masked).masked_select(padding.unsqueeze(-1));
        AssertClose(before, after, "outputs after changing the input at a masked position");
    }

    /// <summary>
    /// In evaluation mode <see cref="ISequenceEncoder.EncodeLast"/> gives the last column of <see cref="ISequenceEncoder.Encode"/>
    /// for full, partly padded and single-item rows, at the maximum length and a shorter one, and for a bidirectional
    /// backbone also with the last position masked (how a history is scored).
    /// </summary>
    [Fact]
    public void EncodeLastGivesTheLastColumnOfEncode()
    {
        using var encoder = Create(CreateFactory(), 1);
        var backbone = (ISequenceEncoder)encoder;
        encoder.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        foreach (int length in new[] { Settings.MaxLength, Math.Max(1, Settings.MaxLength / 2) })
        {
            var (embeddings, padding) = Inputs(length, 7);
            var last = backbone.EncodeLast(embeddings, padding);
            Assert.Equal(new long[] { 3, Settings.HiddenSize }, last.shape);
            AssertClose(backbone.Encode(embeddings, padding).select(1, length - 1), last, $"last states at length {length}");
            if (backbone.Direction == SequenceDirection.Bidirectional)
            {
                var masked = zeros_like(padding);
                masked[TensorIndex.Colon, length - 1] = tensor(true);
                AssertClose(backbone.Encode(embeddings, padding, masked).select(1, length - 1), backbone.EncodeLast(embeddings, padding, masked), $"masked last states at length {length}");
            }
        }
    }

    /// <summary>
    /// Embeddings [3, length, d] from a private generator and a left-padding mask: row 0 is full, row 1 has
    /// its three oldest positions padded, row 2 has a single real item.
    /// </summary>
    private (Tensor Embeddings, Tensor Padding) Inputs(int length, int seed)
    {
        var embeddings = Noise(new long[] { 3, length, Settings.HiddenSize }, seed);
        var realCounts = tensor(new long[] { length, Math.Max(1, length - 3), 1 }).unsqueeze(1);
        using var width = length.ToScalar();
        var padding = TensorArithmetic.Arange(width, ScalarType.Int64, device: null).unsqueeze(0).ge(TensorArithmetic.Plus(realCounts.neg(), width));
        return (embeddings, padding);
    }

    /// <summary>Standard-normal noise from a private generator, so the checks never disturb torch's default one.</summary>
    private static Tensor Noise(long[] shape, int seed)
    {
        using var generator = new Generator((ulong)seed);
        return randn(shape, generator: generator);
    }

    private nn.Module Create(ISequenceEncoderFactory factory, int seed)
    {
        lock (RandomGate)
        {
            manual_seed(seed);
            return factory.Create(Settings).Module;
        }
    }

    private static Tensor Encode(nn.Module encoder, Tensor embeddings, Tensor padding)
    {
        using var noGrad = no_grad();
        return ((ISequenceEncoder)encoder).Encode(embeddings, padding);
    }

    private void AssertClose(Tensor expected, Tensor actual, string what)
    {
        var difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference <= Tolerance, $"Expected unchanged {what}; largest difference {difference:G3} exceeds {Tolerance:G3}.");
    }
}
