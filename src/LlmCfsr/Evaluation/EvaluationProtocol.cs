using System.Globalization;

namespace LlmCfsr.Evaluation;

/// <summary>
/// An evaluation protocol, written "sampled:N", "popularity:N" or "full" (<see cref="Parse"/> and
/// <see cref="ToString"/> round-trip). See docs/evaluation.md.
/// </summary>
/// <param name="Kind">How candidates are chosen.</param>
/// <param name="Negatives">Number of sampled negatives (0 for <see cref="EvaluationProtocolKind.Full"/>).</param>
public sealed record EvaluationProtocol(EvaluationProtocolKind Kind, int Negatives)
{
    /// <summary>The LLM-ESR default: 100 uniformly sampled negatives.</summary>
    public static EvaluationProtocol Default { get; } = Sampled(100);

    /// <summary>Full ranking against the whole catalogue minus the user's items.</summary>
    public static EvaluationProtocol Full { get; } = new(EvaluationProtocolKind.Full, 0);

    /// <summary>Uniformly sampled negatives.</summary>
    public static EvaluationProtocol Sampled(int negatives) => new(EvaluationProtocolKind.Sampled, CheckNegatives(negatives));

    /// <summary>Popularity-sampled negatives.</summary>
    public static EvaluationProtocol Popularity(int negatives) => new(EvaluationProtocolKind.Popularity, CheckNegatives(negatives));

    /// <summary>Parses "sampled:N", "popularity:N" or "full" (case-insensitive).</summary>
    /// <exception cref="FormatException">The text is none of these.</exception>
    public static EvaluationProtocol Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string trimmed = text.Trim();
        if (trimmed.Equals("full", StringComparison.OrdinalIgnoreCase))
        {
            return Full;
        }
        int colon = trimmed.IndexOf(':');
        if (colon > 0 && int.TryParse(trimmed.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int negatives) && negatives > 0)
        {
            var kind = trimmed[..colon].ToLowerInvariant();
            if (kind == "sampled")
            {
                return Sampled(negatives);
            }
            if (kind == "popularity")
            {
                return Popularity(negatives);
            }
        }
        throw new FormatException($"Unknown evaluation protocol '{text}'; expected 'sampled:N', 'popularity:N' (N > 0) or 'full'.");
    }

    /// <summary>The protocol as "sampled:N", "popularity:N" or "full".</summary>
    public override string ToString() => Kind switch
    {
        EvaluationProtocolKind.Sampled => $"sampled:{Negatives.ToString(CultureInfo.InvariantCulture)}",
        EvaluationProtocolKind.Popularity => $"popularity:{Negatives.ToString(CultureInfo.InvariantCulture)}",
        _ => "full",
    };

    private static int CheckNegatives(int negatives) =>
        negatives > 0 ? negatives : throw new ArgumentOutOfRangeException(nameof(negatives), negatives, "The number of sampled negatives must be positive.");
}
