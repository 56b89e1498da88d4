using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace LlmCfsr.Analyzers;

/// <summary>
/// Flags calls to the TorchSharp members that convert a number to a <c>Scalar</c> inside TorchSharp and never keep it
/// alive (<see cref="TorchSharpTransientScalarMembers"/>, generated from TorchSharp.dll's IL), and the creation of
/// TorchSharp objects whose overrides do (an optimizer's <c>step</c>, an activation module's <c>forward</c>, which a
/// call through the base type would otherwise hide).
/// </summary>
/// <remarks>
/// <c>x.add(y)</c> is <c>x.add(y, 1)</c> inside TorchSharp: the Scalar 1 is unreachable once its handle has been
/// read, so a garbage collection started by another thread during the native call can free it while libtorch reads
/// it (LLMCFSR100 explains the mechanism). Operators with a .NET number operand are LLMCFSR100's and not reported again.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class TransientScalarMemberAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The diagnostic id.</summary>
    public const string Id = "LLMCFSR101";

    private static readonly DiagnosticDescriptor Rule = new(
        Id,
        "TorchSharp member makes a Scalar the GC may free during the native call",
        "{0} converts a number to a TorchSharp Scalar inside TorchSharp and nothing keeps it alive while libtorch reads it; {1}",
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
        context.RegisterCompilationStartAction(start =>
        {
            var members = new HashSet<ISymbol>(SymbolEqualityComparer.Default);
            foreach (var id in TorchSharpTransientScalarMembers.Ids)
            {
                foreach (var symbol in DocumentationCommentId.GetSymbolsForDeclarationId(id, start.Compilation))
                {
                    if (symbol.ContainingAssembly?.Name == "TorchSharp")
                    {
                        members.Add(symbol);
                    }
                }
            }
            if (members.Count == 0)
            {
                return;
            }
            var audit = new Audit(members);
            start.RegisterOperationAction(audit.Analyze,
                OperationKind.Invocation, OperationKind.ObjectCreation, OperationKind.Binary, OperationKind.CompoundAssignment,
                OperationKind.Unary, OperationKind.PropertyReference, OperationKind.MethodReference);
        });
    }

    private sealed class Audit(HashSet<ISymbol> members)
    {
        private readonly HashSet<ISymbol> _virtualMembers = new(members.Where(m => m.IsVirtual || m.IsOverride || m.IsAbstract), SymbolEqualityComparer.Default);
        private readonly ConcurrentDictionary<ITypeSymbol, ISymbol?> _typeTaints = new(SymbolEqualityComparer.Default);

        public void Analyze(OperationAnalysisContext context)
        {
            ISymbol? target = context.Operation switch
            {
                IInvocationOperation invocation => invocation.TargetMethod,
                IObjectCreationOperation creation => creation.Constructor,
                IBinaryOperation binary => binary.OperatorMethod,
                ICompoundAssignmentOperation compound => compound.OperatorMethod,
                IUnaryOperation unary => unary.OperatorMethod,
                IPropertyReferenceOperation property => property.Property,
                IMethodReferenceOperation reference => reference.Method,
                _ => null,
            };
            if (target is null)
            {
                return;
            }
            if (members.Contains(target.OriginalDefinition))
            {
                if (target is IMethodSymbol { MethodKind: MethodKind.UserDefinedOperator } op && op.Parameters.Any(p => IsNumber(p.Type)))
                {
                    return;
                }
                Report(context, target);
                return;
            }
            // A TorchSharp object whose override makes a transient Scalar: report where it is made, since the calls
            // go through the base type (OptimizerHelper.step, Module.call).
            var made = context.Operation switch
            {
                IObjectCreationOperation creation => creation.Type,
                IInvocationOperation invocation when invocation.TargetMethod.ContainingAssembly?.Name == "TorchSharp" => invocation.TargetMethod.ReturnType,
                _ => null,
            };
            if (made is not null && Taint(made) is { } member)
            {
                Report(context, member);
            }
        }

        private ISymbol? Taint(ITypeSymbol type) => _typeTaints.GetOrAdd(type, t =>
        {
            foreach (var member in _virtualMembers)
            {
                var effective = MostDerivedOverride(t, member);
                if (effective is not null && members.Contains(effective.OriginalDefinition))
                {
                    return effective;
                }
            }
            return null;
        });

        // The override that runs for an object of the type in place of the member's root declaration (null: the type
        // does not derive from it).
        private static ISymbol? MostDerivedOverride(ITypeSymbol type, ISymbol member)
        {
            for (var current = type; current is not null; current = current.BaseType)
            {
                foreach (var candidate in current.GetMembers(member.Name))
                {
                    for (var overridden = candidate; overridden is not null; overridden = Overridden(overridden))
                    {
                        if (SymbolEqualityComparer.Default.Equals(overridden.OriginalDefinition, RootDefinition(member)))
                        {
                            return candidate;
                        }
                    }
                }
            }
            return null;
        }

        private static ISymbol RootDefinition(ISymbol member)
        {
            var root = member;
            while (Overridden(root) is { } overridden)
            {
                root = overridden;
            }
            return root.OriginalDefinition;
        }

        private static ISymbol? Overridden(ISymbol member) => member switch
        {
            IMethodSymbol method => method.OverriddenMethod,
            IPropertySymbol property => property.OverriddenProperty,
            _ => null,
        };

        private static void Report(OperationAnalysisContext context, ISymbol member)
            => context.ReportDiagnostic(Diagnostic.Create(Rule, context.Operation.Syntax.GetLocation(),
                member.ToDisplayString(SymbolDisplayFormat.CSharpShortErrorMessageFormat), Replacement(member)));

        private static bool IsNumber(ITypeSymbol type) => type.SpecialType is >= SpecialType.System_SByte and <= SpecialType.System_Double;

        /// <summary>What to call instead, named in the message.</summary>
        private static string Replacement(ISymbol member)
        {
            var parameters = member is IMethodSymbol method ? method.Parameters : ImmutableArray<IParameterSymbol>.Empty;
            var tensors = parameters.Length > 0 && parameters.All(p => p.Type.Name == "Tensor");
            return member.Name switch
            {
                "step" => "use LlmCfsr.Training.Optimizers.Adam or AdamW (the same update with its Scalars held)",
                "op_Addition" or "add" when tensors => "use TensorArithmetic.Plus(a, b) (LlmCfsr.Abstractions)",
                "add_" when tensors => "use TensorArithmetic.PlusInPlace(a, b) (LlmCfsr.Abstractions)",
                "op_Addition" or "add" => "use TensorArithmetic.Plus(x, value) (LlmCfsr.Abstractions), the value held in a 'using var' local or a static field",
                "add_" => "call add_(value, alpha), value and alpha (1) each held in a 'using var' local or a static field",
                "square" => "use TensorArithmetic.Square(x) (LlmCfsr.Abstractions)",
                "arange" => "use TensorArithmetic.Arange(...) (LlmCfsr.Abstractions), its Scalars held in 'using var' locals or static fields",
                _ => "call an overload that takes every Scalar, each held in a 'using var' local or a static field, or compute it another way",
            };
        }
    }
}
