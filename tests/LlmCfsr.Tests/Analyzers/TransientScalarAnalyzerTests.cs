using System.Collections.Immutable;
using LlmCfsr.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace LlmCfsr.Tests.Analyzers;

/// <summary>
/// LLMCFSR100 guards against TorchSharp Scalars that the garbage collector may free while libtorch reads them
/// (a native "c10::Scalar::toFloat: Expected false to be true" under load). Each case compiles a snippet against
/// the real TorchSharp assembly and checks exactly which lines are flagged.
/// </summary>
public sealed class TransientScalarAnalyzerTests
{
    [Theory]
    [InlineData("var y = x.clamp_max(5.0);")]
    [InlineData("var y = x.masked_fill(x.gt(x), float.NegativeInfinity);")]
    [InlineData("var y = x.mul(2.0.ToScalar());")]
    [InlineData("var y = x * 2.0;")]
    [InlineData("var y = 1 + x;")]
    [InlineData("var y = arange(10);")]
    [InlineData("x.add_((Scalar)3);")]
    public void Flags_a_scalar_nothing_holds_during_the_call(string statement)
        => Assert.Single(Diagnostics(statement));

    [Theory]
    [InlineData("using var s = 5.0.ToScalar(); var y = x.clamp_max(s);")]
    [InlineData("using (var s = 5.0.ToScalar()) { var y = x.clamp_max(s); }")]
    [InlineData("var y = x.clamp_max(Held);")]
    [InlineData("var y = x * x + x;")]
    [InlineData("var y = x.sum(1);")]
    public void Accepts_a_scalar_held_by_a_using_local_or_a_static_field(string statement)
        => Assert.Empty(Diagnostics(statement));

    [Fact]
    public void The_message_says_how_to_hold_the_scalar()
    {
        var diagnostic = Assert.Single(Diagnostics("var y = x.clamp_max(5.0);"));
        Assert.Equal(TransientScalarAnalyzer.Id, diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("using var", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

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
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create("Snippet", [CSharpSyntaxTree.ParseText(source)], references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Assert.True(errors.Length == 0, string.Join(Environment.NewLine, errors.Select(e => e.ToString())));
        return compilation.WithAnalyzers([new TransientScalarAnalyzer()]).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult();
    }
}
