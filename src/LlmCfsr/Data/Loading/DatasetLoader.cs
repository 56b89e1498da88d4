namespace LlmCfsr.Data.Loading;

/// <summary>
/// Entry point of the loaders: finds the files of a dataset in a folder (or from one of its files), detects the
/// format when none is given, and streams it into a <see cref="RawDataset"/>. Malformed records fail with
/// <see cref="InvalidDataException"/> naming the file and line. docs/data.md lists the layouts.
/// </summary>
public static class DatasetLoader
{
    private static readonly (string Name, DatasetFormat Format)[] Names =
    [
        ("json", DatasetFormat.JsonSequences),
        ("recbole", DatasetFormat.RecBole),
        ("amazon2014", DatasetFormat.Amazon2014),
        ("amazon2018", DatasetFormat.Amazon2018),
        ("yelp", DatasetFormat.Yelp),
        ("csv", DatasetFormat.Delimited),
        ("sasrec-pairs", DatasetFormat.SasRecPairs),
        ("sasrec-sequences", DatasetFormat.SasRecSequences),
    ];

    private static readonly string[] ItemFileNames = ["items.jsonl", "items.csv", "items.tsv", "item.jsonl", "item.csv", "item.tsv"];

    /// <summary>The CLI names of the formats: json, recbole, amazon2014, amazon2018, yelp, csv, sasrec-pairs, sasrec-sequences.</summary>
    public static IReadOnlyList<string> FormatNames { get; } = Names.Select(n => n.Name).ToArray();

    /// <summary>Parses a CLI format name (case-insensitive; "tsv" is accepted for csv).</summary>
    /// <exception cref="FormatException">Unknown name.</exception>
    public static DatasetFormat ParseFormat(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = name.Trim().ToLowerInvariant();
        if (key == "tsv")
        {
            return DatasetFormat.Delimited;
        }
        foreach (var (text, format) in Names)
        {
            if (text == key)
            {
                return format;
            }
        }
        throw new FormatException($"Unknown dataset format '{name}'; expected one of {string.Join(", ", FormatNames)}.");
    }

    /// <summary>The CLI name of <paramref name="format"/>.</summary>
    public static string FormatName(DatasetFormat format) => Names.First(n => n.Format == format).Name;

    /// <summary>Detects the format of the dataset at <paramref name="path"/> (a folder or one of its interaction files).</summary>
    /// <exception cref="InvalidDataException">No known layout matches.</exception>
    public static DatasetFormat Detect(string path) => Resolve(path, null).Format;

    /// <summary>Loads the dataset at <paramref name="path"/> (folder or interaction file), detecting the format when <paramref name="format"/> is null.</summary>
    public static RawDataset Load(string path, DatasetFormat? format = null, CancellationToken cancellationToken = default)
    {
        var files = Resolve(path, format);
        var builder = new InteractionLogBuilder();
        switch (files.Format)
        {
            case DatasetFormat.JsonSequences:
                JsonSequencesLoader.Load(files.Interactions, files.Items, builder, cancellationToken);
                break;
            case DatasetFormat.RecBole:
                RecBoleLoader.Load(files.Interactions, files.Items, builder, cancellationToken);
                break;
            case DatasetFormat.Amazon2014:
            case DatasetFormat.Amazon2018:
                AmazonLoader.Load(files.Interactions, files.Items, files.Format == DatasetFormat.Amazon2014, builder, cancellationToken);
                break;
            case DatasetFormat.Yelp:
                YelpLoader.Load(files.Interactions, files.Items, builder, cancellationToken);
                break;
            case DatasetFormat.Delimited:
                DelimitedLoader.Load(files.Interactions, files.Items, builder, cancellationToken);
                break;
            default:
                SasRecTextLoader.Load(files.Interactions, files.Format == DatasetFormat.SasRecSequences, builder, cancellationToken);
                if (files.Items is not null)
                {
                    JsonLinesAttributesLoader.Load(files.Items, builder, cancellationToken);
                }
                break;
        }
        return builder.Build(files.Name, files.Format);
    }

    private static (DatasetFormat Format, string Interactions, string? Items, string Name) Resolve(string path, DatasetFormat? format)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        bool isFile = File.Exists(path);
        if (!isFile && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"'{path}' is neither a file nor a folder.", path);
        }
        string folder = isFile ? Path.GetDirectoryName(Path.GetFullPath(path))! : path;
        var candidates = format is { } given ? [given] : Names.Select(n => n.Format).ToArray();
        foreach (var candidate in candidates)
        {
            var found = FindFiles(folder, candidate, isFile ? path : null, sniff: format is null);
            if (found is { } files)
            {
                return (candidate, files.Interactions, files.Items, files.Name);
            }
        }
        throw new InvalidDataException(format is { } f
            ? $"'{path}' does not hold {FormatName(f)} files (docs/data.md lists the expected names)."
            : $"Cannot detect the dataset format of '{path}'; pass --format ({string.Join(", ", FormatNames)}). docs/data.md lists the expected file names.");
    }

    private static (string Interactions, string? Items, string Name)? FindFiles(string folder, DatasetFormat format, string? file, bool sniff)
    {
        IEnumerable<string> Matching(string pattern) => file is not null
            ? (Path.GetFileName(file).Equals(pattern, StringComparison.OrdinalIgnoreCase) || System.IO.Enumeration.FileSystemName.MatchesSimpleExpression(pattern, Path.GetFileName(file)) ? [file] : [])
            : Directory.EnumerateFiles(folder, pattern).Order(StringComparer.Ordinal);
        string? Sibling(params string[] names) => names.Select(n => Path.Combine(folder, n)).FirstOrDefault(File.Exists);

        switch (format)
        {
            case DatasetFormat.JsonSequences:
                foreach (var inter in Matching("*.inter.json"))
                {
                    string stem = Path.GetFileName(inter)[..^".inter.json".Length];
                    return (inter, Sibling(stem + ".item.json"), stem);
                }
                return null;
            case DatasetFormat.RecBole:
                foreach (var inter in Matching("*.inter"))
                {
                    string stem = Path.GetFileNameWithoutExtension(inter);
                    return (inter, Sibling(stem + ".item"), stem);
                }
                return null;
            case DatasetFormat.Amazon2014:
                foreach (var reviews in Matching("reviews_*.json*").Where(f => f.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".json.gz", StringComparison.OrdinalIgnoreCase)))
                {
                    string category = Category(Path.GetFileName(reviews)["reviews_".Length..]);
                    return (reviews, Sibling($"meta_{category}.json.gz", $"meta_{category}.json"), category);
                }
                return null;
            case DatasetFormat.Amazon2018:
                foreach (var reviews in Matching("*.json*").Where(f => !Path.GetFileName(f).StartsWith("meta_", StringComparison.OrdinalIgnoreCase) && !Path.GetFileName(f).StartsWith("reviews_", StringComparison.OrdinalIgnoreCase)))
                {
                    string category = Category(Path.GetFileName(reviews));
                    string? meta = Sibling($"meta_{category}.json.gz", $"meta_{category}.json");
                    if (meta is not null)
                    {
                        return (reviews, meta, category);
                    }
                }
                return null;
            case DatasetFormat.Yelp:
                foreach (var reviews in Matching("review.json").Concat(Matching("yelp_academic_dataset_review.json")))
                {
                    return (reviews, Sibling("business.json", "yelp_academic_dataset_business.json"), "yelp");
                }
                return null;
            case DatasetFormat.Delimited:
                foreach (var inter in Matching("*.csv").Concat(Matching("*.tsv")).Concat(Matching("*.csv.gz")).Concat(Matching("*.tsv.gz")))
                {
                    if (Path.GetFileName(inter).StartsWith("item", StringComparison.OrdinalIgnoreCase))
                    {
                        continue;
                    }
                    return (inter, Sibling(ItemFileNames), Category(Path.GetFileName(inter)));
                }
                return null;
            default:
                foreach (var text in Matching("*.txt"))
                {
                    if (!sniff || (format == DatasetFormat.SasRecPairs) == LooksLikePairs(text))
                    {
                        return (text, Sibling("items.jsonl", "item.jsonl"), Path.GetFileNameWithoutExtension(text));
                    }
                }
                return null;
        }
    }

    /// <summary>"Office.json.gz" -> "Office".</summary>
    private static string Category(string fileName)
    {
        int dot = fileName.IndexOf('.');
        return dot > 0 ? fileName[..dot] : fileName;
    }

    /// <summary>Pairs files repeat a user on several lines; sequence files list each user once (first 1,000 lines checked).</summary>
    private static bool LooksLikePairs(string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int twoTokenLines = 0, lines = 0;
        foreach (var (_, text) in DataFileReader.Lines(path).Take(1000))
        {
            var tokens = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0)
            {
                continue;
            }
            lines++;
            twoTokenLines += tokens.Length == 2 ? 1 : 0;
            if (!seen.Add(tokens[0]))
            {
                return twoTokenLines == lines;
            }
        }
        return false;
    }
}
