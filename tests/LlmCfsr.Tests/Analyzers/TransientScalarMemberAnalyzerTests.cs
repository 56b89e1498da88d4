using System.Collections.Immutable;
using LlmCfsr.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LlmCfsr.Tests.Analyzers;

/// <summary>
/// LLMCFSR101 reports calls to TorchSharp members that make a Scalar nothing keeps alive inside TorchSharp, and the
/// creation of TorchSharp objects whose overrides do (their calls go through the base type). Each case compiles a
/// snippet against the real TorchSharp and LlmCfsr assemblies.
/// </summary>
public sealed class TransientScalarMemberAnalyzerTests
{
    [Theory]
    [InlineData("var y = x + x;", "TensorArithmetic.Plus")]
    [InlineData("var y = x * x + x;", "TensorArithmetic.Plus")]
    [InlineData("var y = x.add(x);", "TensorArithmetic.Plus")]
    [InlineData("x.add_(x);", "TensorArithmetic.PlusInPlace")]
    [InlineData("var y = x.square();", "TensorArithmetic.Square")]
    [InlineData("var y = x.add(Held);", "TensorArithmetic.Plus(x, value)")]
    [InlineData("var y = arange(Held, Held);", "TensorArithmetic.Arange")]
    [InlineData("using var o = optim.Adam(new[] { new TorchSharp.Modules.Parameter(x) });", "LlmCfsr.Training.Optimizers.Adam")]
    [InlineData("using var o = new TorchSharp.Modules.AdamW(new[] { new TorchSharp.Modules.Parameter(x) });", "LlmCfsr.Training.Optimizers.Adam")]
    [InlineData("using var m = nn.LeakyReLU(); var y = m.call(x);", "overload that takes every Scalar")]
    public void Flags_a_member_that_makes_a_transient_scalar_and_names_the_replacement(string statement, string replacement)
    {
        var diagnostic = Assert.Single(Diagnostics(statement));
        Assert.Equal(TransientScalarMemberAnalyzer.Id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains(replacement, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("var y = LlmCfsr.Tensors.TensorArithmetic.Plus(x, x);")]
    [InlineData("var y = LlmCfsr.Tensors.TensorArithmetic.Arange(Held, Held, ScalarType.Int64, x.device);")]
    [InlineData("var y = x.add(x, Held);")]
    [InlineData("var y = x.sub(x) - x;")]
    [InlineData("var y = x.mul(x).matmul(x).addmm(x, x);")]
    [InlineData("var y = x * 2.0;")] // LLMCFSR100's: not reported twice
    [InlineData("using var o = new LlmCfsr.Training.Optimizers.Adam(new[] { new TorchSharp.Modules.Parameter(x) }); o.step();")]
    [InlineData("using var o = new LlmCfsr.Training.Optimizers.AdamW(new[] { new TorchSharp.Modules.Parameter(x) }); o.step();")]
    [InlineData("using var m = nn.Linear(4, 4); var y = m.call(x);")]
    public void Accepts_members_that_pass_every_scalar_they_are_given(string statement)
        => Assert.Empty(Diagnostics(statement));

    private static ImmutableArray<Diagnostic> Diagnostics(string statement)
    {
        var source = $$"""
            using TorchSharp;
            using static TorchSharp.torch;
            public static class Snippet
            {
                private static readonly Scalar Held = 5.0;
                public static void Run(Tensor x)
                {
                    {{statement}}
                }
            }
            """;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(TorchSharp.Scalar).Assembly.Location)
            .Append(typeof(LlmCfsr.Tensors.TensorArithmetic).Assembly.Location)
            .Append(typeof(LlmCfsr.Training.Optimizers.Adam).Assembly.Location)
            .Distinct()
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Snippet", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => e.ToString())));
        return compilation.WithAnalyzers([new TransientScalarMemberAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
    }
}
