using System.Security.Cryptography;
using System.Text;
using LlmCfsr.Data;

namespace LlmCfsr.Prompts;

/// <summary>
/// Renders an item's attributes as the text an encoder embeds, in the LLM-CFSR paper's pattern:
/// <c>The beauty item has following attributes: name is X; brand is Y; category is Z; price is P; description is D.</c>
/// Every attribute becomes one <see cref="ItemPromptPiece"/> ("label is value"); custom templates may instead
/// send some attributes to LLM-ESR's "The item has following features: ..." / "... descriptions: ..." sentences.
/// Pieces come in the template's order (<c>first</c> names, then the others in the item's order, then
/// <c>last</c> names); attributes an item lacks, or whose value is blank, are left out rather than rendered as
/// "unknown", so pieces dropped from contrastive views really disappear from the text.
/// </summary>
public sealed class ItemPromptTemplate
{
    /// <summary>Version of the rendering rules; part of <see cref="Fingerprint"/>, so caches of older renderings are refused.</summary>
    public const int RenderingVersion = 2;

    private readonly Dictionary<string, string> _labels;
    private readonly HashSet<string>? _attributeNames;
    private readonly HashSet<string> _featureNames;
    private readonly HashSet<string> _descriptionNames;
    private readonly List<string> _first;
    private readonly List<string> _last;

    /// <summary>Creates a template.</summary>
    /// <param name="name">Short identifier (e.g. "beauty"); part of <see cref="Fingerprint"/>.</param>
    /// <param name="subject">What the item is, e.g. "beauty item" or "point of interest".</param>
    /// <param name="labels">Attribute name (case-insensitive) -> label in the text, e.g. title -> name. Unlisted names render with underscores as spaces.</param>
    /// <param name="attributeNames">Attributes of the "has following attributes" clause; null takes every attribute that is not a feature or description.</param>
    /// <param name="featureNames">Attributes rendered as "The item has following features: ...".</param>
    /// <param name="descriptionNames">Attributes rendered as "The item has following descriptions: ...".</param>
    /// <param name="first">Attributes rendered before all others, in this order (e.g. title, brand); null or empty keeps the item's order.</param>
    /// <param name="last">Attributes rendered after all others, in this order (e.g. feature, description, so truncation cuts them first).</param>
    public ItemPromptTemplate(
        string name,
        string subject,
        IReadOnlyDictionary<string, string> labels,
        IEnumerable<string>? attributeNames,
        IEnumerable<string> featureNames,
        IEnumerable<string> descriptionNames,
        IEnumerable<string>? first = null,
        IEnumerable<string>? last = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(featureNames);
        ArgumentNullException.ThrowIfNull(descriptionNames);
        Name = name;
        Subject = subject;
        _labels = new Dictionary<string, string>(labels, StringComparer.OrdinalIgnoreCase);
        _attributeNames = attributeNames is null ? null : new HashSet<string>(attributeNames, StringComparer.OrdinalIgnoreCase);
        _featureNames = new HashSet<string>(featureNames, StringComparer.OrdinalIgnoreCase);
        _descriptionNames = new HashSet<string>(descriptionNames, StringComparer.OrdinalIgnoreCase);
        _first = first?.ToList() ?? [];
        _last = last?.ToList() ?? [];
        Fingerprint = ComputeFingerprint();
    }

    /// <summary>Short identifier, e.g. "beauty".</summary>
    public string Name { get; }

    /// <summary>What the item is, e.g. "beauty item".</summary>
    public string Subject { get; }

    /// <summary>
    /// Identifies the rendering: the name plus a hash of the rendering version, subject, labels, attribute sets and
    /// order. Embedding caches store it so embeddings rendered by a different template are refused.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>Renders <paramref name="item"/>: <see cref="Compose"/> of its <see cref="Pieces"/>.</summary>
    public string Render(ItemAttributes item) => Compose(Pieces(item));

    /// <summary>
    /// The rendered pieces of <paramref name="item"/> in the template's order: one per non-blank attribute the
    /// template renders. Contrastive views drop and shuffle these.
    /// </summary>
    public IReadOnlyList<ItemPromptPiece> Pieces(ItemAttributes item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var pieces = new List<(int Rank, int Position, ItemPromptPiece Piece)>(item.Count);
        for (int position = 0; position < item.Pairs.Count; position++)
        {
            var (key, raw) = item.Pairs[position];
            var value = Normalize(raw);
            if (value.Length == 0)
            {
                continue;
            }
            ItemPromptPiece piece;
            if (_featureNames.Contains(key))
            {
                piece = new ItemPromptPiece(key, ItemPromptSection.Features, value);
            }
            else if (_descriptionNames.Contains(key))
            {
                piece = new ItemPromptPiece(key, ItemPromptSection.Descriptions, value);
            }
            else if (_attributeNames is null || _attributeNames.Contains(key))
            {
                piece = new ItemPromptPiece(key, ItemPromptSection.Attributes, $"{LabelOf(key)} is {value}");
            }
            else
            {
                continue;
            }
            pieces.Add((RankOf(key), position, piece));
        }
        return pieces.OrderBy(p => p.Rank).ThenBy(p => p.Position).Select(p => p.Piece).ToArray();
    }

    /// <summary>
    /// Joins <paramref name="pieces"/> (all of an item's, or the ones a view kept) into the text, in the given
    /// order within each section; no piece gives "The &lt;subject&gt; has no known attributes.".
    /// </summary>
    public string Compose(IEnumerable<ItemPromptPiece> pieces)
    {
        ArgumentNullException.ThrowIfNull(pieces);
        var attributes = new List<string>();
        var features = new List<string>();
        var descriptions = new List<string>();
        foreach (var piece in pieces)
        {
            (piece.Section switch
            {
                ItemPromptSection.Features => features,
                ItemPromptSection.Descriptions => descriptions,
                _ => attributes,
            }).Add(piece.Text);
        }

        var text = new StringBuilder();
        if (attributes.Count > 0)
        {
            text.Append("The ").Append(Subject).Append(" has following attributes: ").AppendJoin("; ", attributes).Append('.');
        }
        if (features.Count > 0)
        {
            AppendSentence(text, "The item has following features: ", features);
        }
        if (descriptions.Count > 0)
        {
            AppendSentence(text, "The item has following descriptions: ", descriptions);
        }
        return text.Length > 0 ? text.ToString() : $"The {Subject} has no known attributes.";
    }

    /// <summary>Renders every item in order.</summary>
    public IReadOnlyList<string> RenderAll(IReadOnlyList<ItemAttributes> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var texts = new string[items.Count];
        for (int i = 0; i < texts.Length; i++)
        {
            texts[i] = Render(items[i]);
        }
        return texts;
    }

    /// <inheritdoc />
    public override string ToString() => Fingerprint;

    private string LabelOf(string key) => _labels.TryGetValue(key, out var label) ? label : key.Replace('_', ' ').Trim();

    /// <summary>0..first-1 for the leading names, first for everything else, above that for the trailing names.</summary>
    private int RankOf(string key)
    {
        int index = _first.FindIndex(n => string.Equals(n, key, StringComparison.OrdinalIgnoreCase));
        if (index >= 0)
        {
            return index;
        }
        index = _last.FindIndex(n => string.Equals(n, key, StringComparison.OrdinalIgnoreCase));
        return index >= 0 ? _first.Count + 1 + index : _first.Count;
    }

    private static void AppendSentence(StringBuilder text, string lead, List<string> values)
    {
        if (text.Length > 0)
        {
            text.Append(' ');
        }
        text.Append(lead).AppendJoin("; ", values).Append('.');
    }

    /// <summary>Collapses runs of whitespace (descriptions carry newlines and double spaces) and drops a trailing period the sentence adds back.</summary>
    private static string Normalize(string value)
    {
        var collapsed = string.Join(' ', value.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return collapsed.TrimEnd('.').TrimEnd();
    }

    private string ComputeFingerprint()
    {
        static string Set(IEnumerable<string> names) => string.Join(",", names.Select(n => n.ToLowerInvariant()).Order(StringComparer.Ordinal));
        static string Sequence(IEnumerable<string> names) => string.Join(",", names.Select(n => n.ToLowerInvariant()));
        var definition = string.Join("\n",
            $"v{RenderingVersion}",
            Subject,
            string.Join(",", _labels.Select(p => $"{p.Key.ToLowerInvariant()}={p.Value}").Order(StringComparer.Ordinal)),
            _attributeNames is null ? "*" : Set(_attributeNames),
            Set(_featureNames),
            Set(_descriptionNames),
            Sequence(_first),
            Sequence(_last));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(definition)))[..12];
        return $"{Name}@{hash}";
    }
}
