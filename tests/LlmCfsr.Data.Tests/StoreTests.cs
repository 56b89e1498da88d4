using LlmCfsr.Data.Synthetic;

namespace LlmCfsr.Data.Tests;

public class StoreTests
{
    [Fact]
    public void SaveThenLoadRoundTripsEverything()
    {
        var original = new PreparedDataset(
            "round trip",
            ["user\twith tab", "ü \"quoted\""],
            ["a", "b", "c"],
            [[1, 2, 3, 1], [3, 2, 1]],
            [new ItemAttributes([new("title", "Stapler & staples"), new("note", "line\nbreak")]), ItemAttributes.Empty, new ItemAttributes([new("title", "")])]);
        string folder = Fixtures.NewFolder();
        PreparedDatasetStore.Save(original, folder);
        var loaded = PreparedDatasetStore.Load(folder);

        Assert.Equal(original.Name, loaded.Name);
        Assert.Equal(original.UserSourceIds, loaded.UserSourceIds);
        Assert.Equal(original.ItemSourceIds, loaded.ItemSourceIds);
        Assert.Equal(original.Sequences, loaded.Sequences);
        Assert.Equal(original.ItemAttributes.Select(a => a.Pairs), loaded.ItemAttributes.Select(a => a.Pairs));
        Assert.Equal(original.Fingerprint, loaded.Fingerprint);
        Assert.Matches("^[0-9a-f]{64}$", original.Fingerprint);
    }

    [Fact]
    public void FingerprintChangesWithContent()
    {
        var a = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 30, Items = 40, Seed = 1 }).Dataset;
        var b = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 30, Items = 40, Seed = 1 }).Dataset;
        var c = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 30, Items = 40, Seed = 2 }).Dataset;
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.Fingerprint, c.Fingerprint);
    }

    [Fact]
    public void TamperedOrForeignFoldersAreRejectedWithTheFileNamed()
    {
        var data = Fixtures.TwoUsers();
        string folder = Fixtures.NewFolder();
        PreparedDatasetStore.Save(data, folder);
        string sequences = Path.Combine(folder, "sequences.txt");
        File.WriteAllText(sequences, "1 2 3\n4 5 5\n");
        var tampered = Assert.Throws<InvalidDataException>(() => PreparedDatasetStore.Load(folder));
        Assert.Contains("fingerprint", tampered.Message);

        File.WriteAllText(sequences, "1 2 3\n4 x 6\n");
        var malformed = Assert.Throws<InvalidDataException>(() => PreparedDatasetStore.Load(folder));
        Assert.Contains("sequences.txt:2", malformed.Message);

        PreparedDatasetStore.Save(data, folder);
        string manifest = Path.Combine(folder, "dataset.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"version\": 1", "\"version\": 99"));
        var version = Assert.Throws<InvalidDataException>(() => PreparedDatasetStore.Load(folder));
        Assert.Contains("version", version.Message);

        Assert.Throws<InvalidDataException>(() => PreparedDatasetStore.Load(Fixtures.NewFolder()));
    }
}
