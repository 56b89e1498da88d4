using Xunit;

namespace LlmCfsr.Testing;

/// <summary>Assertions on what a command-line application printed, for probes of bad input through the real CLI.</summary>
public static class CommandLineAssert
{
    /// <summary>
    /// <paramref name="error"/> is exactly one line, starting "error: ", without a stack trace, and containing every
    /// one of <paramref name="parts"/> (the file, line, field or option the message must name).
    /// </summary>
    public static void OneLineError(string error, params string[] parts)
    {
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(parts);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, error);
        Assert.StartsWith("error: ", lines[0]);
        Assert.DoesNotContain("   at ", error);
        foreach (var part in parts)
        {
            Assert.Contains(part, lines[0]);
        }
    }
}
