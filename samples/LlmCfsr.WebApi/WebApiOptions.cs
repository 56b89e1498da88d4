using System.ComponentModel.DataAnnotations;

namespace LlmCfsr.WebApi;

/// <summary>The service's settings (configuration root; <c>--bundle DIR</c> on the command line sets <see cref="Bundle"/>).</summary>
public sealed class WebApiOptions
{
    /// <summary>The model bundle folder (<c>llmcfsr export</c>).</summary>
    [Required]
    public string Bundle { get; set; } = "";

    /// <summary>The key <c>POST /items</c> requires in the <c>X-Api-Key</c> header; when unset, nobody may add items.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The registered semantic encoder that embeds new items' text (it must be the one the bundle's items were embedded with).</summary>
    public string Encoder { get; set; } = "minilm";

    /// <summary>The prompt template the bundle's items were rendered with (beauty, fashion, yelp, generic; default: by the dataset's name).</summary>
    public string? PromptTemplate { get; set; }

    /// <summary>Largest request body accepted, in bytes (413 above).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxRequestBytes { get; set; } = 256 * 1024;

    /// <summary>Requests per second allowed per client address on every endpoint (429 above).</summary>
    [Range(1, 1_000_000)]
    public int PermitsPerSecond { get; set; } = 100;

    /// <summary>Largest k and largest history accepted.</summary>
    [Range(1, 100_000)]
    public int MaxItemsPerRequest { get; set; } = 1000;
}
