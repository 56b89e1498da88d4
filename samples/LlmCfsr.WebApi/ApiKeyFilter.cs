using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace LlmCfsr.WebApi;

/// <summary>
/// Requires the configured <see cref="WebApiOptions.ApiKey"/> in the <c>X-Api-Key</c> header (401 otherwise, and
/// always when no key is configured), compared in constant time.
/// </summary>
public sealed class ApiKeyFilter(IOptions<WebApiOptions> options) : IEndpointFilter
{
    /// <summary>The header carrying the key.</summary>
    public const string Header = "X-Api-Key";

    /// <inheritdoc />
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var expected = options.Value.ApiKey;
        var given = context.HttpContext.Request.Headers[Header].ToString();
        if (string.IsNullOrEmpty(expected)
            || !CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(expected))))
        {
            return ValueTask.FromResult<object?>(TypedResults.Problem(
                statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: $"This endpoint changes the catalogue: send the service's API key in the {Header} header."));
        }
        return next(context);
    }
}
