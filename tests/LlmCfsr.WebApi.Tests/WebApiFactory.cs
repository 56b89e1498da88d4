using LlmCfsr.DependencyInjection;
using LlmCfsr.Serving.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.WebApi.Tests;

/// <summary>The sample service in memory over <paramref name="bundlePath"/>, with the test's text encoder registered as "bow".</summary>
internal sealed class WebApiFactory(string bundlePath, int permitsPerSecond = 10_000) : WebApplicationFactory<Program>
{
    public const string ApiKey = "test-key";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Bundle", bundlePath);
        builder.UseSetting("ApiKey", ApiKey);
        builder.UseSetting("Encoder", "bow");
        builder.UseSetting("PromptTemplate", "generic");
        builder.UseSetting("MaxRequestBytes", "65536");
        builder.UseSetting("PermitsPerSecond", permitsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.ConfigureServices(services => services.AddLlmCfsr().AddSemanticEncoder<BagOfWordsEncoder>("bow"));
    }
}
