using Microsoft.Extensions.Options;

namespace LlmCfsr.WebApi;

/// <summary>
/// Refuses a request whose declared body is larger than <see cref="WebApiOptions.MaxRequestBytes"/> with 413
/// before reading it (Kestrel's own limit covers bodies without a declared length).
/// </summary>
public sealed class RequestSizeLimit(RequestDelegate next, IOptions<WebApiOptions> options)
{
    /// <summary>Runs the check.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var limit = options.Value.MaxRequestBytes;
        if (context.Request.ContentLength > limit)
        {
            throw new BadHttpRequestException($"The request body ({context.Request.ContentLength} bytes) is larger than the limit of {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
        }
        return next(context);
    }
}
