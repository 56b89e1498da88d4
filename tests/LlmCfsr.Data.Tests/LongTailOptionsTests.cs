namespace LlmCfsr.Data.Tests;

public class LongTailOptionsTests
{
    [Theory]
    [InlineData("pareto")]
    [InlineData("pareto:0.1,0.7")]
    [InlineData("threshold:20,10")]
    [InlineData("llm-esr:13,12")]
    public void TextFormRoundTrips(string text)
    {
        var options = LongTailOptions.Parse(text);
        Assert.Equal(text, options.ToString());
        Assert.Equal(options, LongTailOptions.Parse(options.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("pareto:1.5,0.8")]
    [InlineData("llm-esr:13")]
    [InlineData("llm-esr:0,12")]
    [InlineData("zipf")]
    public void BadTextIsAFormatErrorNamingTheForms(string text)
    {
        var error = Assert.Throws<FormatException>(() => LongTailOptions.Parse(text));
        Assert.Contains("llm-esr:ITEM,USER", error.Message);
    }

    [Fact]
    public void LlmEsrCountsUsersByTheHistoryBeforeTheTestItem()
    {
        // a: 4 items (3 before the test item); b: 5 items (4 before it). Item 1 is repeated by a and also in b.
        var data = new PreparedDataset("lengths", ["a", "b"], ["1", "2", "3", "4", "5", "6"],
            [[1, 2, 1, 3], [1, 4, 5, 6, 2]], Enumerable.Repeat(ItemAttributes.Empty, 6).ToArray());

        var llmEsr = LongTailGroups.Compute(data, LongTailOptions.Parse("llm-esr:2,4"));
        Assert.True(llmEsr.IsTailUser[1]);   // 3 < 4
        Assert.False(llmEsr.IsTailUser[2]);  // 4 < 4 is false
        var wholeSequence = LongTailGroups.Compute(data, LongTailOptions.Parse("threshold:2,4"));
        Assert.False(wholeSequence.IsTailUser[1]); // 4 < 4 is false
        Assert.False(wholeSequence.IsTailUser[2]);

        // Popularity counts distinct users over all interactions (validation and test items too), as LLM-ESR's
        // numpy `pop[items] += 1` does: item 1 (twice in a, once in b) has 2, item 2 (a's second, b's test item) 2.
        Assert.Equal([0, 2, 2, 1, 1, 1, 1], llmEsr.ItemPopularity);
        Assert.False(llmEsr.IsTailItem[2]);
        Assert.True(llmEsr.IsTailItem[3]);
    }

    [Fact]
    public void DescriptionSaysWhatIsCounted()
    {
        Assert.Equal("tail items: popularity < 13, tail users: history before the test item < 12 (popularity = distinct users over all interactions)",
            LongTailOptions.LlmEsr(13, 12).Describe());
        Assert.Contains("all but the 20% most popular", new LongTailOptions().Describe());
    }
}
