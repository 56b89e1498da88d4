using LlmCfsr.DependencyInjection;
using LlmCfsr.Sequences;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Tests.DependencyInjection;

/// <summary>Minimal parts that exercise registration without the real plugins.</summary>
internal sealed class FirstBackboneFactory : ISequenceEncoderFactory
{
    public string Name => "first";
    public SequenceDirection Direction => SequenceDirection.Causal;
    public ISequenceEncoder Create(SequenceEncoderSettings settings) => throw new InvalidOperationException("not used by these tests");
}

internal sealed class SecondBackboneFactory : ISequenceEncoderFactory
{
    public string Name => "second";
    public SequenceDirection Direction => SequenceDirection.Bidirectional;
    public ISequenceEncoder Create(SequenceEncoderSettings settings) => throw new InvalidOperationException("not used by these tests");
}

internal sealed class WindowOptions
{
    public int Width { get; set; } = 4;
}

internal sealed class WindowOptionsValidator : IValidateOptions<WindowOptions>
{
    public ValidateOptionsResult Validate(string? name, WindowOptions options)
        => options.Width > 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail($"Width must be positive (got {options.Width}).");
}
