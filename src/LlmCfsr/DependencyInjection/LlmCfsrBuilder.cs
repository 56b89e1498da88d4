using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.DependencyInjection;

/// <summary>The builder <c>AddLlmCfsr</c> returns; plugins extend <see cref="ILlmCfsrBuilder"/>.</summary>
internal sealed class LlmCfsrBuilder : ILlmCfsrBuilder
{
    internal LlmCfsrBuilder(IServiceCollection services) => Services = services;

    /// <inheritdoc />
    public IServiceCollection Services { get; }
}
