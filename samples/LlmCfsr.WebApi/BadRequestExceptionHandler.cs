using Microsoft.AspNetCore.Diagnostics;

namespace LlmCfsr.WebApi;

/// <summary>
/// Turns bad input that surfaces as an exception into a problem-details response with its own status: a body
/// that is not valid JSON or too large (<see cref="BadHttpRequestException"/>: 400, 413), an argument the SDK
/// refuses (unknown template, duplicate item, wrong embedding size: 400) or an operation the model cannot do
/// (new items for an id-only model: 400). Anything else stays a 500 for the default handler.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        int? status = exception switch
        {
            BadHttpRequestException bad => bad.StatusCode,
            ArgumentException or NotSupportedException or KeyNotFoundException => StatusCodes.Status400BadRequest,
            _ => null,
        };
        if (status is null)
        {
            return false;
        }
        httpContext.Response.StatusCode = status.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = { Status = status, Title = "Bad request", Detail = exception.Message },
        });
    }
}
