using LlmCfsr.Training;
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

    /// <summary>The flags of <c>train</c> and <c>compare</c> that set the training options the library's messages name.</summary>
    private static readonly (string Option, string Flag)[] TrainingOptionFlags =
    [
        ($"TrainingOptions.{nameof(TrainingOptions.SemanticEmbeddingsPath)}", "--embeddings FILE"),
        ($"TrainingOptions.{nameof(TrainingOptions.RawSemanticEmbeddingsPath)}", "--raw-embeddings FILE"),
        ($"TrainingOptions.{nameof(TrainingOptions.SaidEmbeddingsPath)}", "--said-embeddings FILE"),
        ($"TrainingOptions.{nameof(TrainingOptions.ScftEmbeddingsPath)}", "--scft-embeddings FILE"),
        ($"TrainingOptions.{nameof(TrainingOptions.UserEmbeddingsPath)}", "--user-embeddings FILE"),
        ($"TrainingOptions.{nameof(TrainingOptions.TeacherRunDirectory)}", "--teacher-run DIR"),
    ];

    /// <summary>
    /// The message on one line (inner messages of unexpected exceptions included, type named), with the training
    /// options it names given as the command-line flags that set them.
    /// </summary>
    public static string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var message = IsExpected(exception) ? exception.Message : $"{exception.GetType().Name}: {exception.Message}";
        foreach (var (option, flag) in TrainingOptionFlags)
        {
            message = message.Replace(option, $"{flag} ({option})", StringComparison.Ordinal);
        }
        return string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }
}
