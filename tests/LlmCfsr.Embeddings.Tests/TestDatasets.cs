using LlmCfsr.Data;

namespace LlmCfsr.Embeddings.Tests;

/// <summary>Small prepared datasets written by the tests themselves.</summary>
internal static class TestDatasets
{
    private static readonly string[] Products = ["stapler", "pen", "notebook", "desk lamp", "paper clips", "printer ink", "scissors", "label maker"];
    private static readonly string[] Brands = ["Swingline", "Pilot", "Moleskine", "", "ACCO", "HP", "Fiskars", "Brother"];

    /// <summary>An office-like dataset of <paramref name="items"/> items with varied text lengths and 6 users.</summary>
    public static PreparedDataset Office(int items, string name = "office")
    {
        var itemIds = Enumerable.Range(0, items).Select(i => $"B{i:D5}").ToArray();
        var attributes = Enumerable.Range(0, items).Select(i => new ItemAttributes(
        [
            new("title", $"{Products[i % Products.Length]} model {i}"),
            new("brand", Brands[i % Brands.Length]),
            new("categories", "Office Products, " + string.Join(", ", Enumerable.Repeat("Supplies", 1 + i % 4))),
            new("description", string.Join(' ', Enumerable.Repeat($"sturdy {Products[(i + 3) % Products.Length]}", i % 7))),
        ])).ToArray();
        var users = Enumerable.Range(0, 6).Select(u => $"U{u}").ToArray();
        var sequences = users.Select((_, u) => Enumerable.Range(0, 3 + u).Select(k => 1 + (u * 5 + k * 3) % items).ToArray()).ToArray();
        return new PreparedDataset(name, users, itemIds, sequences, attributes);
    }
}
