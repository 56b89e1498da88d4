using System.Security.Cryptography;
using System.Text;
using LlmCfsr.Data;

namespace LlmCfsr.Prompts;

/// <summary>
/// Renders an item's attributes as the text an encoder embeds, in the LLM-ESR / LLMEmb pattern:
/// <c>The beauty item has following attributes: name is X; brand is Y; price is Z. The item has following
/// features: A, B. The item has following descriptions: D.</c>
/// Attributes appear in the item's own order (so shuffled views render shuffled); attributes an item lacks,
/// or whose value is blank, are left out rather than rendered as "unknown", so dropped attributes in
/// contrastive views really disappear from the text.
/// </summary>
public sealed class ItemPromptTemplate
{
    private readonly Dictionary<string, string> _labels;
    private readonly HashSet<string>? _attributeNames;
    private readonly HashSet<string> _featureNames;
    private readonly HashSet<string> _descriptionNames;

    /// <summary>Creates a template.</summary>
    /// <param name="name">Short identifier (e.g. "beauty"); part of <see cref="Fingerprint"/>.</param>
    /// <param name="subject">What the item is, e.g. "beauty item" or "point of interest".</param>
    /// <param name="labels">Attribute name (case-insensitive) -> label in the text, e.g. title -> name. Unlisted names render with underscores as spaces.</param>
    /// <param name="attributeNames">Attributes of the "has following attributes" clause; null takes every attribute that is not a feature or description.</param>
    /// <param name="featureNames">Attributes rendered as "The item has following features: ...".</param>
    /// <param name="descriptionNames">Attributes rendered as "The item has following descriptions: ...".</param>
    public ItemPromptTemplate(
        string name,
        string subject,
        IReadOnlyDictionary<string, string> labels,
        IEnumerable<string>? attributeNames,
        IEnumerable<string> featureNames,
        IEnumerable<string> descriptionNames)
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
        Fingerprint = ComputeFingerprint();
    }

    /// <summary>Short identifier, e.g. "beauty".</summary>
    public string Name { get; }

    /// <summary>What the item is, e.g. "beauty item".</summary>
    public string Subject { get; }

    /// <summary>
    /// Identifies the rendering: the name plus a hash of the subject, labels and attribute sets. Embedding
    /// caches store it so embeddings rendered by a different template are refused.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>Renders <paramref name="item"/>.</summary>
    public string Render(ItemAttributes item)
    {
        ArgumentNullException.ThrowIfNull(item);
        var attributes = new List<string>();
        var features = new List<string>();
        var descriptions = new List<string>();
        foreach (var (key, raw) in item.Pairs)
        {
            var value = Normalize(raw);
            if (value.Length == 0)
            {
                continue;
            }
            if (_featureNames.Contains(key))
            {
                features.Add(value);
            }
            else if (_descriptionNames.Contains(key))
            {
                descriptions.Add(value);
            }
            else if (_attributeNames is null || _attributeNames.Contains(key))
            {
                attributes.Add($"{LabelOf(key)} is {value}");
            }
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
        var definition = string.Join("\n",
            "v1",
            Subject,
            string.Join(",", _labels.Select(p => $"{p.Key.ToLowerInvariant()}={p.Value}").Order(StringComparer.Ordinal)),
            _attributeNames is null ? "*" : Set(_attributeNames),
            Set(_featureNames),
            Set(_descriptionNames));
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(definition)))[..12];
        return $"{Name}@{hash}";
    }
}
