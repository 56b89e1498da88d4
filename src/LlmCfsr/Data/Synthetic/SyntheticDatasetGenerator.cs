using System.Globalization;
using System.Text;

namespace LlmCfsr.Data.Synthetic;

/// <summary>
/// Seeded generator of a catalogue with text and of user sequences with sequential, topical structure:
/// each item belongs to a latent topic and its title, brand, categories and description are drawn from that
/// topic's words; item popularity follows a Zipf-like law. A user has two favourite topics; each next item stays
/// in the current topic, moves to one of the topic's fixed successor topics, or returns to a favourite, and is
/// picked within the topic proportionally to popularity. So the next item's topic is predictable from the
/// history, and a rarely seen item's text reveals its topic: a text-aware model can rank tail items that an
/// id-only model has barely seen.
/// </summary>
public static class SyntheticDatasetGenerator
{
    private static readonly string[] Syllables = ["ka", "lo", "mi", "ren", "tas", "vo", "pel", "dri", "nu", "zor", "qui", "bel", "sa", "tor", "fen", "gal", "hu", "jor", "mek", "pra"];
    private static readonly string[] GenericWords = ["classic", "pro", "deluxe", "mini", "set", "pack", "edition", "series"];

    /// <summary>Generates a dataset; users whose sequence would repeat items are re-drawn item by item so sequences hold distinct items.</summary>
    public static SyntheticDataset Generate(SyntheticDatasetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var random = new Random(options.Seed);
        int topics = options.Topics;

        var used = new HashSet<string>(StringComparer.Ordinal);
        // Unique pseudo-words; when short words run out (many topics), longer ones are used.
        string NewWord(int syllables)
        {
            for (int attempt = 0; ; attempt++)
            {
                var word = new StringBuilder();
                for (int s = 0; s < syllables + attempt / 50; s++)
                {
                    word.Append(Syllables[random.Next(Syllables.Length)]);
                }
                if (used.Add(word.ToString()))
                {
                    return word.ToString();
                }
            }
        }

        var topicWords = new string[topics][];
        var topicBrands = new string[topics][];
        var topicCategory = new string[topics];
        var successors = new int[topics][];
        for (int t = 0; t < topics; t++)
        {
            topicWords[t] = Enumerable.Range(0, 8).Select(_ => NewWord(2)).ToArray();
            topicBrands[t] = Enumerable.Range(0, 3).Select(_ => Capitalize(NewWord(3))).ToArray();
            topicCategory[t] = Capitalize(NewWord(2));
            successors[t] = [(t + 1) % topics, (t + 1 + random.Next(topics - 1)) % topics];
        }

        // Items: topic, Zipf weight from a random popularity rank, and text from the topic's words.
        int itemCount = options.Items;
        var itemTopic = new int[itemCount + 1];
        itemTopic[0] = -1;
        var weight = new double[itemCount + 1];
        var ranks = Enumerable.Range(1, itemCount).OrderBy(_ => random.Next()).ToArray();
        var attributes = new List<ItemAttributes>(itemCount);
        var itemIds = new List<string>(itemCount);
        for (int i = 1; i <= itemCount; i++)
        {
            int t = i <= topics ? i - 1 : random.Next(topics);
            itemTopic[i] = t;
            weight[i] = 1.0 / Math.Pow(ranks[i - 1], options.ZipfExponent);
            var words = topicWords[t].OrderBy(_ => random.Next()).Take(3).ToArray();
            string title = $"{Capitalize(words[0])} {words[1]} {words[2]} {GenericWords[random.Next(GenericWords.Length)]} {random.Next(100, 1000).ToString(CultureInfo.InvariantCulture)}";
            string brand = random.NextDouble() < 0.85 ? topicBrands[t][random.Next(3)] : topicBrands[random.Next(topics)][random.Next(3)];
            string description = $"A {topicWords[t][random.Next(8)]} {topicWords[t][random.Next(8)]} for every {topicWords[t][random.Next(8)]}.";
            attributes.Add(new ItemAttributes(
            [
                new("title", title),
                new("brand", brand),
                new("categories", $"Store, {topicCategory[t]}"),
                new("description", description),
            ]));
            itemIds.Add($"item{i.ToString(CultureInfo.InvariantCulture)}");
        }

        var topicItems = Enumerable.Range(0, topics).Select(t => Enumerable.Range(1, itemCount).Where(i => itemTopic[i] == t).ToArray()).ToArray();
        var topicCumulative = topicItems.Select(items =>
        {
            var cumulative = new double[items.Length];
            double sum = 0;
            for (int k = 0; k < items.Length; k++)
            {
                sum += weight[items[k]];
                cumulative[k] = sum;
            }
            return cumulative;
        }).ToArray();

        int PickItem(int topic)
        {
            var cumulative = topicCumulative[topic];
            int index = Array.BinarySearch(cumulative, random.NextDouble() * cumulative[^1]);
            return topicItems[topic][index < 0 ? ~index : index];
        }

        // Sequential patterns (off by default, so the default datasets keep their random stream): each topic's items, in random
        // order, form groups of PatternSize items that mix popular and rare ones; an item's pattern is the group it is in.
        var itemPattern = options.PatternSize > 0 ? Patterns(topicItems, options.PatternSize, random, itemCount) : null;

        // An unseen item of the pattern of the user's last item, drawn proportionally to popularity; 0 when all of it is seen.
        int PickInPattern(int[] pattern, HashSet<int> seen)
        {
            var open = pattern.Where(item => !seen.Contains(item)).ToArray();
            if (open.Length == 0)
            {
                return 0;
            }
            double draw = random.NextDouble() * open.Sum(item => weight[item]);
            foreach (int item in open)
            {
                draw -= weight[item];
                if (draw <= 0)
                {
                    return item;
                }
            }
            return open[^1];
        }

        var sequences = new List<int[]>(options.Users);
        var userIds = new List<string>(options.Users);
        int longest = Math.Min(options.MaxSequenceLength, itemCount);
        for (int u = 1; u <= options.Users; u++)
        {
            int length = Math.Min(longest, 3 + (int)(-Math.Log(1 - random.NextDouble()) * (options.MeanSequenceLength - 3)));
            int[] favourites = [random.Next(topics), random.Next(topics)];
            int topic = favourites[0];
            var sequence = new List<int>(length);
            var seen = new HashSet<int>();
            while (sequence.Count < length)
            {
                if (itemPattern is not null && sequence.Count > 0 && random.NextDouble() < options.PatternProbability
                    && PickInPattern(itemPattern[sequence[^1]], seen) is > 0 and int next)
                {
                    seen.Add(next);
                    sequence.Add(next);
                    continue;
                }
                int item = PickItem(topic);
                for (int attempt = 0; attempt < 20 && seen.Contains(item); attempt++)
                {
                    item = PickItem(topic);
                }
                if (seen.Contains(item))
                {
                    // The topic is exhausted for this user: move on to a successor topic.
                    topic = successors[topic][random.Next(2)];
                    continue;
                }
                seen.Add(item);
                sequence.Add(item);
                if (random.NextDouble() >= options.TopicStayProbability)
                {
                    topic = random.NextDouble() < options.SuccessorProbability ? successors[topic][random.Next(2)] : favourites[random.Next(2)];
                }
            }
            sequences.Add(sequence.ToArray());
            userIds.Add($"user{u.ToString(CultureInfo.InvariantCulture)}");
        }

        var dataset = new PreparedDataset($"synthetic-{options.Seed.ToString(CultureInfo.InvariantCulture)}", userIds, itemIds, sequences, attributes);
        return new SyntheticDataset(dataset, itemTopic, topicWords);
    }

    /// <summary>Each item's pattern (index = item id): the topic's items shuffled and cut into groups of <paramref name="size"/>.</summary>
    private static int[][] Patterns(int[][] topicItems, int size, Random random, int itemCount)
    {
        var patterns = new int[itemCount + 1][];
        patterns[0] = [];
        foreach (var items in topicItems)
        {
            foreach (var pattern in items.OrderBy(_ => random.Next()).Chunk(size))
            {
                foreach (int item in pattern)
                {
                    patterns[item] = pattern;
                }
            }
        }
        return patterns;
    }

    private static string Capitalize(string word) => char.ToUpperInvariant(word[0]) + word[1..];
}
