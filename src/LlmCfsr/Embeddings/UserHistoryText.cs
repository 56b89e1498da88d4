using System.Globalization;
using System.Text;
using LlmCfsr.Data;

namespace LlmCfsr.Embeddings;

/// <summary>
/// Renders a user's training history (all but the validation and test items) as one text for a semantic
/// encoder: "Purchased: title 1; title 2; ...", oldest first, keeping the newest <c>maxItems</c> titles so
/// encoders that truncate long inputs still see the recent history. An item without a title contributes its
/// source id. Validation and test items never enter the text, so no held-out item leaks into training.
/// </summary>
public static class UserHistoryText
{
    /// <summary>The default number of newest items kept.</summary>
    public const int DefaultMaxItems = 20;

    /// <summary>The text of user <paramref name="user"/> (1-based).</summary>
    public static string Render(PreparedDataset dataset, int user, int maxItems = DefaultMaxItems)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxItems);
        var history = dataset.TrainingSequence(user);
        var newest = history[Math.Max(0, history.Length - maxItems)..];
        var text = new StringBuilder("Purchased: ");
        for (int k = 0; k < newest.Length; k++)
        {
            int item = newest[k];
            if (k > 0)
            {
                text.Append("; ");
            }
            text.Append(dataset.ItemAttributes[item - 1].DisplayName ?? dataset.ItemSourceIds[item - 1]);
        }
        return text.ToString();
    }

    /// <summary>The texts of every user, in user-id order.</summary>
    public static IReadOnlyList<string> RenderAll(PreparedDataset dataset, int maxItems = DefaultMaxItems)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return Enumerable.Range(1, dataset.UserCount).Select(u => Render(dataset, u, maxItems)).ToArray();
    }

    /// <summary>The text format recorded in user-embedding files.</summary>
    public static string Describe(int maxItems) => string.Create(CultureInfo.InvariantCulture, $"training-history-names/newest-{maxItems}");
}
