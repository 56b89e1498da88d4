using LlmCfsr.Data.Synthetic;
using LlmCfsr.Storage;

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
        Assert.Contains($"{sequences}: SHA-256 differs", tampered.Message);

        // Folders written before checksums existed are still checked through the content fingerprint.
        File.Delete(Path.Combine(folder, ChecksumManifest.FileName));
        tampered = Assert.Throws<InvalidDataException>(() => PreparedDatasetStore.Load(folder));
        Assert.Contains("fingerprint", tampered.Message);

        File.WriteAllText(sequences, "1 2 3\n4 x 6\n");
        var malformed = Assert.Throws<InvalidDataException>(() => PreparedDatasetStore.Load(folder));
        Assert.Contains("sequences.txt:2", malformed.Message);

        PreparedDatasetStore.Save(data, folder, overwrite: true);
        File.Delete(Path.Combine(folder, ChecksumManifest.FileName));
        string manifest = Path.Combine(folder, "dataset.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace("\"version\": 1", "\"version\": 99"));
        var version = Assert.Throws<InvalidDataException>(() => PreparedDatasetStore.Load(folder));
        Assert.Contains("version", version.Message);

        Assert.Throws<InvalidDataException>(() => PreparedDatasetStore.Load(Fixtures.NewFolder()));
    }

    [Fact]
    public void AnExistingPreparedFolderIsReplacedOnlyWhenAsked()
    {
        string folder = Fixtures.NewFolder();
        PreparedDatasetStore.Save(Fixtures.TwoUsers(), folder);
        var other = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 30, Items = 40, Seed = 1 }).Dataset;
        Assert.Contains("--force", Assert.Throws<IOException>(() => PreparedDatasetStore.Save(other, folder)).Message);
        Assert.Equal(Fixtures.TwoUsers().Fingerprint, PreparedDatasetStore.Load(folder).Fingerprint);
        PreparedDatasetStore.Save(other, folder, overwrite: true);
        Assert.Equal(other.Fingerprint, PreparedDatasetStore.Load(folder).Fingerprint);
    }

    [Fact]
    public void ACrashAtAnyWriteLeavesTheNewDatasetOrARefusalNeverAMix()
    {
        var old = Fixtures.TwoUsers();
        var replacement = SyntheticDatasetGenerator.Generate(new SyntheticDatasetOptions { Users = 30, Items = 40, Seed = 1 }).Dataset;
        var written = new List<string>();
        PreparedDatasetStore.Save(replacement, Fixtures.NewFolder(), writer: new AtomicFileWriter(written.Add));
        Assert.Equal(5, written.Count);

        for (int crashAt = 1; crashAt <= written.Count; crashAt++)
        {
            string folder = Fixtures.NewFolder();
            PreparedDatasetStore.Save(old, folder);
            int writes = 0;
            int crash = crashAt;
            var crashing = new AtomicFileWriter(path =>
            {
                if (++writes == crash)
                {
                    throw new IOException($"simulated crash before {path}");
                }
            });
            Assert.Throws<IOException>(() => PreparedDatasetStore.Save(replacement, folder, overwrite: true, crashing));

            // The old manifest goes first, so what is left is the complete new dataset or a refusal naming the folder.
            try
            {
                Assert.Equal(replacement.Fingerprint, PreparedDatasetStore.Load(folder).Fingerprint);
            }
            catch (InvalidDataException e)
            {
                Assert.Contains(folder, e.Message);
            }
            PreparedDatasetStore.Save(replacement, folder, overwrite: true);
            Assert.Equal(replacement.Fingerprint, PreparedDatasetStore.Load(folder).Fingerprint);
        }
    }

    [Fact]
    public void ASecondWriterIsRefusedWithTheHoldersProcessId()
    {
        string folder = Fixtures.NewFolder();
        using (FolderLock.Acquire(folder))
        {
            var error = Assert.Throws<IOException>(() => PreparedDatasetStore.Save(Fixtures.TwoUsers(), folder));
            Assert.Contains($"PID {Environment.ProcessId}", error.Message);
        }
        PreparedDatasetStore.Save(Fixtures.TwoUsers(), folder);
    }
}
