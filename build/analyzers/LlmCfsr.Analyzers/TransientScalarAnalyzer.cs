using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LlmCfsr.Analyzers;

/// <summary>
/// Flags TorchSharp <c>Scalar</c> objects that nothing keeps alive while libtorch reads them.
/// </summary>
/// <remarks>
/// TorchSharp 0.107 frees a <c>Scalar</c>'s native value in its finalizer and passes the raw handle to native code
/// without <c>GC.KeepAlive</c>. A Scalar made by an implicit conversion (<c>x.clamp_max(5.0)</c>), by an inline
/// <c>ToScalar()</c>, or inside a Tensor operator with a .NET number (<c>x * 2.0</c>) is unreachable once its handle
/// has been read, so a garbage collection started by another thread during the native call can free it before
/// libtorch reads it: a native "c10::Scalar::toFloat: Expected false to be true" or, worse, a wrong value. A Scalar
/// held by a <c>using</c> local (or a static field) lives until the call has returned.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TransientScalarAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic id.</summary>
    public const string Id = "LLMCFSR100";

    private static readonly DiagnosticDescriptor Rule = new(
        Id,
        "TorchSharp Scalar may be freed during the native call",
        "{0}: the garbage collector may free this TorchSharp Scalar while libtorch still reads it; hold it in a 'using var' local (value.ToScalar()) or a static field for the duration of the call",
        "Reliability",
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    /// <inheritdoc />
    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics => ImmutableArray.Create(Rule);

    /// <inheritdoc />
    public override void Initialize(AnalysisContext context)
    {
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.None);
        context.EnableConcurrentExecution();
        context.RegisterOperationAction(AnalyzeConversion, OperationKind.Conversion);
        context.RegisterOperationAction(AnalyzeInvocation, OperationKind.Invocation);
        context.RegisterOperationAction(AnalyzeBinary, OperationKind.Binary, OperationKind.CompoundAssignment);
    }

    private static void AnalyzeConversion(OperationAnalysisContext context)
    {
        var conversion = (IConversionOperation)context.Operation;
        if (conversion.OperatorMethod is { } method && IsScalar(method.ContainingType) && !IsHeld(conversion))
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, conversion.Syntax.GetLocation(), "a number converted to Scalar"));
        }
    }

    private static void AnalyzeInvocation(OperationAnalysisContext context)
    {
        var invocation = (IInvocationOperation)context.Operation;
        var method = invocation.TargetMethod;
        if (method.Name == "ToScalar" && method.ContainingType.ToDisplayString() == "TorchSharp.ScalarExtensionMethods" && !IsHeld(invocation))
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, invocation.Syntax.GetLocation(), "an inline ToScalar()"));
        }
    }

    private static void AnalyzeBinary(OperationAnalysisContext context)
    {
        var method = context.Operation switch
        {
            IBinaryOperation binary => binary.OperatorMethod,
            ICompoundAssignmentOperation compound => compound.OperatorMethod,
            _ => null,
        };
        // Tensor's operators with a .NET number convert it to a Scalar inside TorchSharp and never dispose it.
        if (method is not null && IsTensor(method.ContainingType) && method.Parameters.Any(p => p.Type.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_Double))
        {
            context.ReportDiagnostic(Diagnostic.Create(Rule, context.Operation.Syntax.GetLocation(), $"Tensor operator {method.Name} with a .NET number"));
        }
    }

    private static bool IsHeld(IOperation operation)
    {
        var parent = operation.Parent;
        while (parent is IConversionOperation { IsImplicit: true })
        {
            parent = parent.Parent;
        }
        return parent switch
        {
            IFieldInitializerOperation field => field.InitializedFields.All(f => f.IsStatic && f.IsReadOnly),
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent: IVariableDeclarationOperation { Parent: IVariableDeclarationGroupOperation group } } }
                => group.Parent is IUsingDeclarationOperation or IUsingOperation,
            IVariableInitializerOperation { Parent: IVariableDeclaratorOperation { Parent: IVariableDeclarationOperation { Parent: IUsingOperation } } } => true,
            _ => false,
        };
    }

    private static bool IsScalar(INamedTypeSymbol? type) => type?.ToDisplayString() == "TorchSharp.Scalar";

    private static bool IsTensor(INamedTypeSymbol? type) => type?.ToDisplayString() == "TorchSharp.torch.Tensor";
}
