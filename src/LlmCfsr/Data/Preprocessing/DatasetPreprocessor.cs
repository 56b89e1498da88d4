using LlmCfsr.Data.Loading;

namespace LlmCfsr.Data.Preprocessing;

/// <summary>
/// Turns a <see cref="RawDataset"/> into a <see cref="PreparedDataset"/>: orders each user's interactions by time
/// (stable: ties keep file order), optionally drops items without text and removes duplicates, applies the minimum-count filters (one pass or
/// iterative k-core), caps sequence length (keeping the most recent), drops users with fewer than 3 interactions
/// and re-indexes users and items densely from 1 in order of first appearance. docs/data.md.
/// </summary>
public static class DatasetPreprocessor
{
    private const int MinimumSequenceLength = 3;

    /// <summary>Prepares <paramref name="raw"/>.</summary>
    /// <exception cref="InvalidDataException">Nothing is left after filtering, or (Strict) an item has no attributes.</exception>
    public static PreparationResult Prepare(RawDataset raw, PreprocessingOptions options)
    {
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var report = new PreparationReport { Input = (raw.InteractionCount, raw.UserSourceIds.Count, raw.ItemSourceIds.Count) };

        var sequences = OrderByTime(raw);
        if (options.RequireText)
        {
            report.TextRequired = true;
            report.ItemsWithoutTextDropped = DropItemsWithoutText(raw, sequences);
        }
        if (options.RemoveDuplicates)
        {
            report.DuplicatesRemoved = RemoveDuplicates(sequences);
        }
        ApplyFilters(sequences, raw.ItemSourceIds.Count, options, report);
        if (options.MaxSequenceLength > 0)
        {
            long truncated = 0;
            for (int u = 0; u < sequences.Length; u++)
            {
                if (sequences[u].Count > options.MaxSequenceLength)
                {
                    truncated += sequences[u].Count - options.MaxSequenceLength;
                    sequences[u].RemoveRange(0, sequences[u].Count - options.MaxSequenceLength);
                }
            }
            report.TruncatedInteractions = truncated;
        }

        int shortUsers = 0;
        long shortInteractions = 0;
        for (int u = 0; u < sequences.Length; u++)
        {
            if (sequences[u].Count is > 0 and < MinimumSequenceLength)
            {
                shortUsers++;
                shortInteractions += sequences[u].Count;
                sequences[u].Clear();
            }
        }
        report.ShortUsersDropped = (shortUsers, shortInteractions);

        return Reindex(raw, sequences, options, report);
    }

    /// <summary>Removes the interactions with items that carry no text; returns the distinct items and the interactions removed.</summary>
    private static (int Items, long Interactions) DropItemsWithoutText(RawDataset raw, List<int>[] sequences)
    {
        var hasText = new bool[raw.ItemSourceIds.Count];
        for (int item = 0; item < hasText.Length; item++)
        {
            hasText[item] = raw.Attributes.TryGetValue(raw.ItemSourceIds[item], out var attributes) && attributes.HasText;
        }
        var dropped = new HashSet<int>();
        long interactions = 0;
        foreach (var sequence in sequences)
        {
            foreach (int item in sequence)
            {
                if (!hasText[item])
                {
                    dropped.Add(item);
                }
            }
            interactions += sequence.RemoveAll(item => !hasText[item]);
        }
        return (dropped.Count, interactions);
    }

    /// <summary>Per-user item lists sorted by (timestamp, file position).</summary>
    private static List<int>[] OrderByTime(RawDataset raw)
    {
        int users = raw.UserSourceIds.Count;
        var positions = new List<int>[users];
        for (int u = 0; u < users; u++)
        {
            positions[u] = [];
        }
        for (int k = 0; k < raw.InteractionCount; k++)
        {
            positions[raw.Users[k]].Add(k);
        }
        var sequences = new List<int>[users];
        for (int u = 0; u < users; u++)
        {
            var order = positions[u];
            // List.Sort is unstable; the file position breaks timestamp ties so equal times keep file order.
            order.Sort((a, b) => raw.Timestamps[a] != raw.Timestamps[b] ? raw.Timestamps[a].CompareTo(raw.Timestamps[b]) : a.CompareTo(b));
            sequences[u] = order.ConvertAll(k => raw.Items[k]);
        }
        return sequences;
    }

    private static long RemoveDuplicates(List<int>[] sequences)
    {
        long removed = 0;
        var seen = new HashSet<int>();
        foreach (var sequence in sequences)
        {
            seen.Clear();
            int before = sequence.Count;
            sequence.RemoveAll(item => !seen.Add(item));
            removed += before - sequence.Count;
        }
        return removed;
    }

    private static void ApplyFilters(List<int>[] sequences, int itemCount, PreprocessingOptions options, PreparationReport report)
    {
        if (options.MinUserInteractions == 0 && options.MinItemInteractions == 0)
        {
            return;
        }
        report.FilterMode = options.KCore ? "k-core" : "one-pass";
        int usersBefore = sequences.Count(s => s.Count > 0);
        int itemsBefore = CountItems(sequences, itemCount);
        long interactionsBefore = sequences.Sum(s => (long)s.Count);
        int passes = 0;
        bool changed = true;
        while (changed && (passes == 0 || options.KCore))
        {
            passes++;
            var itemCounts = new int[itemCount];
            foreach (var sequence in sequences)
            {
                foreach (int item in sequence)
                {
                    itemCounts[item]++;
                }
            }
            changed = false;
            foreach (var sequence in sequences)
            {
                if (sequence.Count == 0)
                {
                    continue;
                }
                // Both conditions use the counts from the start of this pass (simultaneous, as in LLM-ESR's one pass).
                if (sequence.Count < options.MinUserInteractions)
                {
                    sequence.Clear();
                    changed = true;
                    continue;
                }
                if (sequence.RemoveAll(item => itemCounts[item] < options.MinItemInteractions) > 0)
                {
                    changed = true;
                }
            }
        }
        report.FilterPasses = passes;
        report.RemovedByFilters = (
            interactionsBefore - sequences.Sum(s => (long)s.Count),
            usersBefore - sequences.Count(s => s.Count > 0),
            itemsBefore - CountItems(sequences, itemCount));
    }

    private static int CountItems(List<int>[] sequences, int itemCount)
    {
        var present = new bool[itemCount];
        int count = 0;
        foreach (var sequence in sequences)
        {
            foreach (int item in sequence)
            {
                if (!present[item])
                {
                    present[item] = true;
                    count++;
                }
            }
        }
        return count;
    }

    private static PreparationResult Reindex(RawDataset raw, List<int>[] sequences, PreprocessingOptions options, PreparationReport report)
    {
        var userIds = new List<string>();
        var itemIds = new List<string>();
        var attributes = new List<ItemAttributes>();
        var prepared = new List<int[]>();
        var denseItem = new int[raw.ItemSourceIds.Count];
        var missing = new List<string>();
        for (int u = 0; u < sequences.Length; u++)
        {
            var sequence = sequences[u];
            if (sequence.Count == 0)
            {
                continue;
            }
            var dense = new int[sequence.Count];
            for (int k = 0; k < dense.Length; k++)
            {
                int item = sequence[k];
                if (denseItem[item] == 0)
                {
                    string source = raw.ItemSourceIds[item];
                    itemIds.Add(source);
                    denseItem[item] = itemIds.Count;
                    if (raw.Attributes.TryGetValue(source, out var itemAttributes))
                    {
                        attributes.Add(itemAttributes);
                    }
                    else
                    {
                        attributes.Add(ItemAttributes.Empty);
                        missing.Add(source);
                    }
                }
                dense[k] = denseItem[item];
            }
            userIds.Add(raw.UserSourceIds[u]);
            prepared.Add(dense);
        }

        long interactions = prepared.Sum(s => (long)s.Length);
        report.Output = (interactions, userIds.Count, itemIds.Count);
        report.ItemsWithoutAttributes = missing.Count;
        report.ItemsWithoutAttributesExamples = missing.Take(10).ToArray();
        var kept = new HashSet<string>(itemIds, StringComparer.Ordinal);
        report.UnusedAttributeRecords = raw.Attributes.Keys.Count(id => !kept.Contains(id));
        if (userIds.Count == 0)
        {
            var text = new StringWriter();
            report.WriteTo(text);
            throw new InvalidDataException($"Nothing is left of '{raw.Name}' after preprocessing; relax the filters.{Environment.NewLine}{text}");
        }
        if (options.Strict && missing.Count > 0)
        {
            throw new InvalidDataException($"{missing.Count} item(s) in the sequences of '{raw.Name}' have no attributes (strict mode), e.g. {string.Join(", ", missing.Take(10))}.");
        }
        var dataset = new PreparedDataset(options.Name ?? raw.Name, userIds, itemIds, prepared, attributes);
        return new PreparationResult(dataset, report);
    }
}
