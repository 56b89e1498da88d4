using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.DependencyInjection;

/// <summary>
/// Returned by <c>services.AddLlmCfsr()</c>. Plugins add themselves with extension methods on it
/// (e.g. <c>.AddSasRec()</c>), each registering its parts under a name so configuration can pick them.
/// </summary>
public interface ILlmCfsrBuilder
{
    /// <summary>The service collection the SDK registers into.</summary>
    IServiceCollection Services { get; }
}
