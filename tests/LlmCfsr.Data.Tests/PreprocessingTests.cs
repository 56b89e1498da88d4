using LlmCfsr.Data.Loading;
using LlmCfsr.Data.Preprocessing;

namespace LlmCfsr.Data.Tests;

public class PreprocessingTests
{
    private static RawDataset Load(string csv)
    {
        string folder = Fixtures.NewFolder();
        Fixtures.Write(folder, "log.csv", "user,item,timestamp\n" + csv);
        return DatasetLoader.Load(folder);
    }

    private static string[][] SourceSequences(PreparedDataset data) =>
        data.Sequences.Select(s => s.Select(i => data.ItemSourceIds[i - 1]).ToArray()).ToArray();

    [Fact]
    public void OrdersByTimeKeepingFileOrderOnTiesAndReindexesFromOne()
    {
        var raw = Load("u1,c,30\nu1,a,10\nu1,b,20\nu1,d,20\nu2,a,5\nu2,e,1\nu2,b,9\n");
        var result = DatasetPreprocessor.Prepare(raw, new PreprocessingOptions());
        var data = result.Dataset;

        // u1 by time: a(10), b(20), d(20, after b in the file), c(30). u2: e(1), a(5), b(9).
        Assert.Equal([["a", "b", "d", "c"], ["e", "a", "b"]], SourceSequences(data));
        // Items are numbered from 1 in order of first appearance: a=1, b=2, d=3, c=4, e=5.
        Assert.Equal([1, 2, 3, 4], data.Sequences[0]);
        Assert.Equal([5, 1, 2], data.Sequences[1]);
        Assert.Equal(["u1", "u2"], data.UserSourceIds);
        Assert.Equal(5, result.Report.ItemsWithoutAttributes);
    }

    [Fact]
    public void DuplicatesAreKeptUnlessAsked()
    {
        var raw = Load("u,a,1\nu,b,2\nu,a,3\nu,c,4\n");
        Assert.Equal(["a", "b", "a", "c"], SourceSequences(DatasetPreprocessor.Prepare(raw, new PreprocessingOptions()).Dataset)[0]);
        var deduplicated = DatasetPreprocessor.Prepare(raw, new PreprocessingOptions { RemoveDuplicates = true });
        Assert.Equal(["a", "b", "c"], SourceSequences(deduplicated.Dataset)[0]);
        Assert.Equal(1, deduplicated.Report.DuplicatesRemoved);
    }

    [Fact]
    public void UsersWithFewerThanThreeInteractionsAreDroppedAndCounted()
    {
        var raw = Load("u1,a,1\nu1,b,2\nu1,c,3\nu2,a,1\nu2,b,2\nu3,c,1\n");
        var result = DatasetPreprocessor.Prepare(raw, new PreprocessingOptions());
        Assert.Equal(["u1"], result.Dataset.UserSourceIds);
        Assert.Equal((2, 3L), result.Report.ShortUsersDropped);
        Assert.Equal((3L, 1, 3), result.Report.Output);
    }

    [Fact]
    public void OnePassAndKCoreFiltersDiffer()
    {
        // Item counts: a=5 (u3 twice), b=3, c=3, x=1; every user has 3 interactions. One pass (min 3 for users and
        // items) removes only x; u4 is left with [a, b] and then dropped by the leave-one-out minimum of 3.
        // k-core re-counts: pass 2 removes u4 (2 < 3), so b falls to 2 and is removed, leaving u1 and u2 with 2
        // items; pass 3 removes them, pass 4 removes a and c (now below 3): nothing is left.
        string csv = "u1,a,1\nu1,b,2\nu1,c,3\nu2,a,1\nu2,b,2\nu2,c,3\nu3,a,1\nu3,c,2\nu3,a,3\nu4,a,1\nu4,x,2\nu4,b,3\n";
        var onePass = DatasetPreprocessor.Prepare(Load(csv), new PreprocessingOptions { MinUserInteractions = 3, MinItemInteractions = 3 });
        Assert.Equal("one-pass", onePass.Report.FilterMode);
        Assert.Equal(1, onePass.Report.FilterPasses);
        Assert.Equal((1L, 0, 1), onePass.Report.RemovedByFilters);
        Assert.Equal(["u1", "u2", "u3"], onePass.Dataset.UserSourceIds);
        Assert.Equal((1, 2L), onePass.Report.ShortUsersDropped);

        var error = Assert.Throws<InvalidDataException>(() => DatasetPreprocessor.Prepare(Load(csv), new PreprocessingOptions { MinUserInteractions = 3, MinItemInteractions = 3, KCore = true }));
        Assert.Contains("Nothing is left", error.Message);

        // A 2-core keeps the dense part: every user and item of the result has at least 2 interactions.
        var kCore = DatasetPreprocessor.Prepare(Load(csv), new PreprocessingOptions { MinUserInteractions = 3, MinItemInteractions = 2, KCore = true });
        Assert.True(kCore.Report.FilterPasses >= 2);
        var data = kCore.Dataset;
        Assert.All(data.Sequences, s => Assert.True(s.Length >= 3));
        Assert.All(Enumerable.Range(1, data.ItemCount), i => Assert.True(data.Sequences.Sum(s => s.Count(x => x == i)) >= 2));
    }

    [Fact]
    public void MaxLengthKeepsTheMostRecentItems()
    {
        var result = DatasetPreprocessor.Prepare(Load("u,a,1\nu,b,2\nu,c,3\nu,d,4\nu,e,5\n"), new PreprocessingOptions { MaxSequenceLength = 3 });
        Assert.Equal(["c", "d", "e"], SourceSequences(result.Dataset)[0]);
        Assert.Equal(2, result.Report.TruncatedInteractions);
        Assert.Throws<ArgumentException>(() => DatasetPreprocessor.Prepare(Load("u,a,1\n"), new PreprocessingOptions { MaxSequenceLength = 2 }));
    }

    [Fact]
    public void MissingAttributesAreCountedOrFatalUnderStrict()
    {
        string folder = Fixtures.NewFolder();
        Fixtures.Write(folder, "log.csv", "user,item\nu,a\nu,b\nu,c\n");
        Fixtures.Write(folder, "items.jsonl", "{\"item\": \"a\", \"title\": \"A\"}\n{\"item\": \"z\", \"title\": \"unused\"}\n");
        var raw = DatasetLoader.Load(folder);
        var lenient = DatasetPreprocessor.Prepare(raw, new PreprocessingOptions());
        Assert.Equal(2, lenient.Report.ItemsWithoutAttributes);
        Assert.Equal(["b", "c"], lenient.Report.ItemsWithoutAttributesExamples);
        Assert.Equal(1, lenient.Report.UnusedAttributeRecords);
        Assert.Equal(0, lenient.Dataset.ItemAttributes[1].Count);
        var error = Assert.Throws<InvalidDataException>(() => DatasetPreprocessor.Prepare(raw, new PreprocessingOptions { Strict = true }));
        Assert.Contains("b, c", error.Message);
    }

    [Fact]
    public void RequireTextDropsItemsWithoutTextBeforeTheFiltersAndCountsThem()
    {
        string folder = Fixtures.NewFolder();
        // Item b has no record, item c only blank values; u2 keeps 2 interactions once they go, so it is dropped as short.
        Fixtures.Write(folder, "log.csv", "user,item\nu1,a\nu1,b\nu1,d\nu1,c\nu1,e\nu2,a\nu2,b\nu2,d\n");
        Fixtures.Write(folder, "items.jsonl",
            "{\"item\": \"a\", \"title\": \"A\"}\n{\"item\": \"c\", \"title\": \" \", \"brand\": \"\"}\n{\"item\": \"d\", \"brand\": \"D\"}\n{\"item\": \"e\", \"description\": \"E\"}\n");
        var raw = DatasetLoader.Load(folder);

        var kept = DatasetPreprocessor.Prepare(raw, new PreprocessingOptions());
        Assert.Equal(5, kept.Dataset.ItemCount);
        Assert.False(kept.Report.TextRequired);

        var result = DatasetPreprocessor.Prepare(raw, new PreprocessingOptions { RequireText = true });
        Assert.Equal([["a", "d", "e"]], SourceSequences(result.Dataset));
        Assert.Equal((2, 3L), result.Report.ItemsWithoutTextDropped);
        Assert.Equal((1, 2L), result.Report.ShortUsersDropped);
        Assert.All(result.Dataset.ItemAttributes, a => Assert.True(a.HasText));
        var text = new StringWriter();
        result.Report.WriteTo(text);
        Assert.Contains("items without text dropped  2 items, 3 interactions", text.ToString());
    }

    [Fact]
    public void SplitsFollowLeaveOneOut()
    {
        var data = Fixtures.TwoUsers();
        Assert.Equal([1], data.TrainingSequence(1).ToArray());
        var (validationHistory, validationTarget) = data.SplitOf(1, DataSplit.Validation);
        Assert.Equal([1], validationHistory.ToArray());
        Assert.Equal(2, validationTarget);
        var (testHistory, testTarget) = data.SplitOf(2, DataSplit.Test);
        Assert.Equal([4, 5], testHistory.ToArray());
        Assert.Equal(6, testTarget);
    }
}
