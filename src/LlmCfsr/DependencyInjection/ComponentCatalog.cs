using LlmCfsr.Encoders;
using LlmCfsr.Fusion;
using LlmCfsr.Losses;
using LlmCfsr.Recommendation;
using LlmCfsr.Sequences;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.DependencyInjection;

/// <summary>
/// Resolves registered parts by name, with errors that list what is registered. Names are case-insensitive.
/// </summary>
public sealed class ComponentCatalog
{
    private readonly IServiceProvider _services;
    private readonly IReadOnlyList<ComponentRegistration> _registrations;

    /// <summary>Creates the catalog over the registrations in <paramref name="services"/>.</summary>
    public ComponentCatalog(IServiceProvider services, IEnumerable<ComponentRegistration> registrations)
    {
        _services = services;
        _registrations = registrations.ToList();
    }

    /// <summary>Every registration, in registration order.</summary>
    public IReadOnlyList<ComponentRegistration> Registrations => _registrations;

    /// <summary>Registered names of one kind, sorted.</summary>
    public IReadOnlyList<string> Names(ComponentKind kind)
        => _registrations.Where(r => r.Kind == kind).Select(r => r.Name).Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>The backbone factory registered as <paramref name="name"/>.</summary>
    public ISequenceEncoderFactory SequenceEncoder(string name) => Resolve<ISequenceEncoderFactory>(ComponentKind.SequenceEncoder, name);

    /// <summary>The fusion factory registered as <paramref name="name"/>.</summary>
    public IFusionFactory Fusion(string name) => Resolve<IFusionFactory>(ComponentKind.Fusion, name);

    /// <summary>The item-index factory registered as <paramref name="name"/>.</summary>
    public IItemIndexFactory ItemIndex(string name) => Resolve<IItemIndexFactory>(ComponentKind.ItemIndex, name);

    /// <summary>The ranking loss registered as <paramref name="name"/>.</summary>
    public IRankingLoss RankingLoss(string name) => Resolve<IRankingLoss>(ComponentKind.RankingLoss, name);

    /// <summary>The semantic encoder registered as <paramref name="name"/> (weights still unloaded).</summary>
    public ISemanticEncoder SemanticEncoder(string name) => Resolve<ISemanticEncoder>(ComponentKind.SemanticEncoder, name);

    /// <summary>
    /// The bound options of every registered part (backbones, losses, ...) as configuration keys
    /// (<see cref="Training.ConfigurationSnapshot"/>), as a run records them.
    /// </summary>
    internal IReadOnlyDictionary<string, string?> PartOptions() => Training.ConfigurationSnapshot.Capture(_services);

    /// <summary>Resolves the keyed service <typeparamref name="T"/> registered under <paramref name="name"/>.</summary>
    public T Resolve<T>(ComponentKind kind, string name) where T : class
    {
        var key = ComponentRegistration.NormalizeName(name);
        var service = _services.GetKeyedService<T>(key);
        if (service is null)
        {
            var known = Names(kind);
            throw new KeyNotFoundException(
                $"No {Describe(kind)} is registered as '{name}'. Registered: {(known.Count == 0 ? "none (add a plugin, e.g. builder.AddSasRec())" : string.Join(", ", known))}.");
        }
        return service;
    }

    private static string Describe(ComponentKind kind) => kind switch
    {
        ComponentKind.SemanticEncoder => "semantic encoder",
        ComponentKind.SequenceEncoder => "sequence encoder",
        ComponentKind.Fusion => "fusion",
        ComponentKind.RankingLoss => "ranking loss",
        ComponentKind.ItemIndex => "item index",
        _ => "model",
    };
}
