// LlmCfsr web API sample: serves a model bundle over HTTP.
//   dotnet run --project samples/LlmCfsr.WebApi -- --bundle BUNDLE_DIR [--ApiKey KEY] [--urls http://localhost:5080]
// Endpoints: POST /recommendations, POST /items (X-Api-Key), GET /health, GET /openapi/v1.json.
// Every setting binds from configuration (appsettings.json, environment LLMCFSR_WEBAPI_..., command line): see WebApiOptions.
using System.Threading.RateLimiting;
using LlmCfsr.DependencyInjection;
using LlmCfsr.Recommendation;
using LlmCfsr.Runtime;
using LlmCfsr.WebApi;
using Microsoft.Extensions.Options;

var builder = WebApplication.CreateBuilder(args);
builder.Configuration.AddEnvironmentVariables("LLMCFSR_WEBAPI_");
var bundlePath = builder.Configuration[nameof(WebApiOptions.Bundle)];
if (string.IsNullOrWhiteSpace(bundlePath))
{
    Console.Error.WriteLine("error: no model bundle: pass --bundle DIR (a folder written by 'llmcfsr export') or set Bundle in configuration.");
    return 2;
}
// Requests run concurrently: one torch thread per request beats every request fighting over all cores.
TorchThreadPolicy.PrepareProcess(builder.Configuration.GetValue<int?>("Threads") ?? 1);

// The bundle's model is rebuilt with the part settings it was trained with.
var bundleManifest = BundleManifest.Read(Path.Combine(bundlePath, BundleManifest.FileName));
builder.Configuration.AddInMemoryCollection(bundleManifest.Run.Configuration);

builder.Services.AddOptions<WebApiOptions>().Bind(builder.Configuration).ValidateDataAnnotations().ValidateOnStart();
builder.Services.AddLlmCfsr()
    .AddSasRec()
    .AddGru4Rec()
    .AddBert4Rec()
    .AddCrossAttentionFusion()
    .AddMiniLmEncoder()
    .AddLlmEnhancedRecommenders()
    .AddRecommender(RecommendationEndpoints.RecommenderName, bundlePath);
// The SDK-wide settings (e.g. LlmCfsr:NewItems) are checked at start, not at the first request that loads the bundle.
builder.Services.AddOptions<LlmCfsrOptions>().ValidateOnStart();
builder.Services.AddProblemDetails();
builder.Services.AddExceptionHandler<BadRequestExceptionHandler>();
builder.Services.AddOpenApi();
builder.Services.AddHealthChecks().AddCheck<BundleHealthCheck>("bundle");
builder.Services.AddRateLimiter(limiter =>
{
    limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
    limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
    {
        var permits = context.RequestServices.GetRequiredService<IOptions<WebApiOptions>>().Value.PermitsPerSecond;
        return RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "local", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits,
            Window = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
        });
    });
});
builder.WebHost.ConfigureKestrel((context, kestrel) => kestrel.Limits.MaxRequestBodySize = context.Configuration.GetValue<long?>(nameof(WebApiOptions.MaxRequestBytes)) ?? new WebApiOptions().MaxRequestBytes);

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRateLimiter();
app.UseMiddleware<RequestSizeLimit>();
app.MapOpenApi();
app.MapHealthChecks("/health");
app.MapRecommendationEndpoints();
app.Run();
return 0;

/// <summary>The application's entry point (public for <c>WebApplicationFactory</c> in the integration tests).</summary>
public partial class Program;
