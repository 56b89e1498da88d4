using LlmCfsr.DependencyInjection;
using LlmCfsr.Serving.Tests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace LlmCfsr.WebApi.Tests;

/// <summary>
/// The sample service in memory over <paramref name="bundlePath"/>, with the test's text encoder registered as "bow" and
/// <paramref name="settings"/> added to its configuration.
/// </summary>
internal sealed class WebApiFactory(string bundlePath, int permitsPerSecond = 10_000, IReadOnlyDictionary<string, string>? settings = null) : WebApplicationFactory<Program>
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
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureServices(services => services.AddLlmCfsr().AddSemanticEncoder<BagOfWordsEncoder>("bow"));
    }
}
