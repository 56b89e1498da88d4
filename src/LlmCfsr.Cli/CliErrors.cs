using Microsoft.Extensions.Options;

namespace LlmCfsr.Cli;

/// <summary>Turns exceptions into the one-line messages the command line prints.</summary>
public static class CliErrors
{
    /// <summary>
    /// Whether <paramref name="exception"/> reports bad input, a missing or damaged file, a locked folder or an
    /// unavailable device (its message, which names the file or option, is the whole story) rather than a bug.
    /// </summary>
    public static bool IsExpected(Exception exception) => exception is InvalidDataException or IOException or ArgumentException
        or FormatException or KeyNotFoundException or OptionsValidationException or InvalidOperationException
        or UnauthorizedAccessException or NotSupportedException or PlatformNotSupportedException;

    /// <summary>The message on one line (inner messages of unexpected exceptions included, type named).</summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = IsExpected(exception) ? exception.Message : $"{exception.GetType().Name}: {exception.Message}";
        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
