using LlmCfsr.Recommendation;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LlmCfsr.WebApi;

/// <summary>Healthy once the bundle is loaded (the first check loads it) and serves its catalogue.</summary>
public sealed class BundleHealthCheck([FromKeyedServices(RecommendationEndpoints.RecommenderName)] IRecommender recommender) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(recommender.ItemCount > 0
            ? HealthCheckResult.Healthy($"{recommender.ItemCount} items.")
            : HealthCheckResult.Unhealthy("The bundle has no item."));
}
