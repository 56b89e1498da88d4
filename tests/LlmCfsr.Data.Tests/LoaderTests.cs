using LlmCfsr.Data.Loading;

namespace LlmCfsr.Data.Tests;

public class LoaderTests
{
    private static (string User, string Item)[] Pairs(RawDataset raw) =>
        Enumerable.Range(0, raw.InteractionCount).Select(k => (raw.UserSourceIds[raw.Users[k]], raw.ItemSourceIds[raw.Items[k]])).ToArray();

    private static void AssertFailsAt(string path, int line, Action load)
    {
        var error = Assert.Throws<InvalidDataException>(load);
        Assert.Contains($"{path}:{line}:", error.Message);
    }

    [Fact]
    public void JsonSequencesKeepOrderAndAttributes()
    {
        string folder = Fixtures.NewFolder();
        Fixtures.Write(folder, "Shop.inter.json", """{"u1": [10, 11, 12], "u2": ["12", "13"]}""");
        Fixtures.Write(folder, "Shop.item.json", """{"10": {"title": "Pen", "price": 1.5, "categories": ["Office", "Pens"], "missing": null}, "11": {"title": "Ink"}}""");
        var raw = DatasetLoader.Load(folder);

        Assert.Equal(DatasetFormat.JsonSequences, raw.Format);
        Assert.Equal("Shop", raw.Name);
        Assert.Equal([("u1", "10"), ("u1", "11"), ("u1", "12"), ("u2", "12"), ("u2", "13")], Pairs(raw));
        Assert.Equal([new("title", "Pen"), new("price", "1.5"), new("categories", "Office, Pens")], raw.Attributes["10"].Pairs);
        Assert.Equal((5L, 5L, 2L), (raw.Report.RecordsRead, raw.Report.InteractionsKept, raw.Report.AttributeRecordsKept));
    }

    [Fact]
    public void MalformedJsonNamesFileAndLine()
    {
        string folder = Fixtures.NewFolder();
        string path = Fixtures.Write(folder, "Bad.inter.json", "{\n  \"u1\": [1, 2],\n  \"u2\": [3, 4,, 5]\n}");
        AssertFailsAt(path, 3, () => DatasetLoader.Load(folder));
    }

    [Fact]
    public void RecBoleReadsTypedHeadersAndAttributeColumns()
    {
        string folder = Fixtures.NewFolder();
        Fixtures.Write(folder, "ml.inter", "user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t50\t4.0\t300\n1\t51\t3.0\t100\n2\t50\t5.0\t200\n");
        Fixtures.Write(folder, "ml.item", "item_id:token\tmovie_title:token_seq\tgenre:token_seq\n50\tToy Story\tAnimation Comedy\n51\tHeat\tAction\n");
        var raw = DatasetLoader.Load(folder);

        Assert.Equal(DatasetFormat.RecBole, raw.Format);
        Assert.Equal([300.0, 100.0, 200.0], raw.Timestamps);
        Assert.Equal([new("movie_title", "Toy Story"), new("genre", "Animation Comedy")], raw.Attributes["50"].Pairs);

        string bad = Fixtures.Write(folder, "ml.inter", "user_id:token\titem_id:token\ttimestamp:float\n1\t50\t300\n1\t51\n");
        AssertFailsAt(bad, 3, () => DatasetLoader.Load(folder));
        Fixtures.Write(folder, "ml.inter", "user_id:token\titem_id:token\ttimestamp:float\n1\t50\tyesterday\n");
        AssertFailsAt(bad, 2, () => DatasetLoader.Load(folder));
        Fixtures.Write(folder, "ml.inter", "user_id\titem_id:token\n");
        AssertFailsAt(bad, 1, () => DatasetLoader.Load(folder));
    }

    [Fact]
    public void Amazon2014ReadsPythonLiteralMetadata()
    {
        string folder = Fixtures.NewFolder();
        Fixtures.WriteGzip(folder, "reviews_Office.json.gz",
            """
            {"reviewerID": "A1", "asin": "B01", "overall": 5.0, "unixReviewTime": 1400000200}

            {"reviewerID": "A1", "asin": "B02", "overall": 4.0, "unixReviewTime": 1400000100}
            """);
        string meta = Fixtures.WriteGzip(folder, "meta_Office.json.gz",
            """
            {'asin': 'B01', 'title': "Bob's \"best\" pen", 'price': 3.17, 'salesRank': {'Office': 12}, 'categories': [['Office', 'Pens'], ['Office', 'Gifts']], 'brand': 'Bic', 'related': None, 'description': 'Blue ink.'}
            {'asin': 'B02', 'title': 'Caf\xe9 mug \u2615', 'description': 'A mug.'}
            """);
        var raw = DatasetLoader.Load(folder);

        Assert.Equal(DatasetFormat.Amazon2014, raw.Format);
        Assert.Equal([("A1", "B01"), ("A1", "B02")], Pairs(raw));
        Assert.Equal([1400000200.0, 1400000100.0], raw.Timestamps);
        Assert.Equal(
            [new("title", "Bob's \"best\" pen"), new("brand", "Bic"), new("categories", "Office, Pens, Gifts"), new("price", "3.17"),
             new("sales_rank", "12 in Office"), new("description", "Blue ink.")],
            raw.Attributes["B01"].Pairs);
        Assert.Equal("Café mug ☕", raw.Attributes["B02"]["title"]);
        Assert.Equal(1, raw.Report.DroppedRecords["blank line"]);

        Fixtures.WriteGzip(folder, "meta_Office.json.gz", "{'asin': 'B01'}\n{'asin': 'B02', 'title': 'open\n");
        AssertFailsAt(meta, 2, () => DatasetLoader.Load(folder));
    }

    [Fact]
    public void Amazon2018ReadsJsonLines()
    {
        string folder = Fixtures.NewFolder();
        string reviews = Fixtures.WriteGzip(folder, "Office_Products.json.gz",
            """
            {"reviewerID": "A1", "asin": "B01", "unixReviewTime": 10}
            {"reviewerID": "A2", "asin": "B01", "unixReviewTime": 20}
            """);
        Fixtures.WriteGzip(folder, "meta_Office_Products.json.gz",
            """
            {"asin": "B01", "title": "Pen", "brand": "Bic", "category": ["Office", "Pens"], "description": ["Blue", "ink"], "price": "$4.99", "rank": "1,234 in Office Products (", "feature": ["Smooth", "Refillable"], "imageURL": []}
            {"asin": "B01", "title": "Pen again"}
            {"asin": "B02", "title": "Mug", "price": ".a-box-inner{background-color:#fff;}", "rank": [">#12 in Kitchen (", "#3 in Mugs"]}
            """);
        var raw = DatasetLoader.Load(folder);

        Assert.Equal(DatasetFormat.Amazon2018, raw.Format);
        Assert.Equal("Office_Products", raw.Name);
        Assert.Equal(
            [new("title", "Pen"), new("brand", "Bic"), new("categories", "Office, Pens"), new("price", "$4.99"), new("sales_rank", "1,234 in Office Products"),
             new("feature", "Smooth, Refillable"), new("description", "Blue, ink")],
            raw.Attributes["B01"].Pairs);
        // Page CSS in place of a price is not a price.
        Assert.Equal([new("title", "Mug"), new("sales_rank", "12 in Kitchen, 3 in Mugs")], raw.Attributes["B02"].Pairs);
        Assert.Equal(1, raw.Report.DroppedAttributeRecords["repeated item id, first record kept"]);

        Fixtures.WriteGzip(folder, "Office_Products.json.gz", "{\"reviewerID\": \"A1\", \"asin\": \"B01\", \"unixReviewTime\": 10}\n{\"reviewerID\": \"A2\", \"unixReviewTime\": 20}\n");
        AssertFailsAt(reviews, 2, () => DatasetLoader.Load(folder));
    }

    [Fact]
    public void YelpReadsReviewsAndBusinesses()
    {
        string folder = Fixtures.NewFolder();
        string reviews = Fixtures.Write(folder, "review.json",
            """
            {"review_id": "r1", "user_id": "U1", "business_id": "B1", "stars": 5, "date": "2016-03-09 00:44:42"}
            {"review_id": "r2", "user_id": "U1", "business_id": "B2", "stars": 4, "date": "2015-01-01 00:00:00"}
            """);
        Fixtures.Write(folder, "business.json",
            """
            {"business_id": "B1", "name": "Cafe", "city": "Austin", "state": "TX", "stars": 4.5, "review_count": 42, "is_open": 1, "categories": "Coffee & Tea, Cafes", "attributes": {"WiFi": "free", "RestaurantsPriceRange2": "2"}}
            {"business_id": "B2", "name": "Diner", "is_open": 0, "categories": null, "attributes": {"RestaurantsPriceRange2": "None"}}
            """);
        var raw = DatasetLoader.Load(folder);

        Assert.Equal(DatasetFormat.Yelp, raw.Format);
        // 2015-01-01T00:00:00Z = 1420070400 Unix seconds.
        Assert.Equal(1420070400.0, raw.Timestamps[1]);
        Assert.Equal(
            [new("name", "Cafe"), new("categories", "Coffee & Tea, Cafes"), new("stars", "4.5"), new("price", "$$"), new("city", "Austin"), new("state", "TX"),
             new("review_count", "42"), new("status", "open")],
            raw.Attributes["B1"].Pairs);
        Assert.Equal([new("name", "Diner"), new("status", "closed")], raw.Attributes["B2"].Pairs);

        Fixtures.Write(folder, "review.json", """{"user_id": "U1", "business_id": "B1", "date": "not a date"}""");
        AssertFailsAt(reviews, 1, () => DatasetLoader.Load(folder));
    }

    [Fact]
    public void CsvAndTsvWithAttributeFiles()
    {
        string folder = Fixtures.NewFolder();
        Fixtures.Write(folder, "log.csv", "user_id,item_id,timestamp\nu1,\"item, one\",5\nu1,i2,2021-01-01T00:00:00Z\n");
        Fixtures.Write(folder, "items.jsonl", "{\"item_id\": \"item, one\", \"title\": \"First\"}\n\n{\"item_id\": \"i2\", \"title\": \"Second\", \"tags\": [\"a\", \"b\"]}\n");
        var raw = DatasetLoader.Load(folder);
        Assert.Equal(DatasetFormat.Delimited, raw.Format);
        Assert.Equal([("u1", "item, one"), ("u1", "i2")], Pairs(raw));
        Assert.Equal(1609459200.0, raw.Timestamps[1]);
        Assert.Equal([new("title", "Second"), new("tags", "a, b")], raw.Attributes["i2"].Pairs);
        Assert.Equal(1, raw.Report.DroppedAttributeRecords["blank line"]);

        string tsvFolder = Fixtures.NewFolder();
        string tsv = Fixtures.Write(tsvFolder, "log.tsv", "user\titem\nu1\ti1\nu1\ti2\tEXTRA\n");
        Fixtures.Write(tsvFolder, "items.tsv", "item\ttitle\tbrand\ni1\tPen\tBic\n");
        AssertFailsAt(tsv, 3, () => DatasetLoader.Load(tsvFolder));
        Fixtures.Write(tsvFolder, "log.tsv", "user\titem\nu1\ti1\n");
        Assert.Equal([new("title", "Pen"), new("brand", "Bic")], DatasetLoader.Load(tsvFolder).Attributes["i1"].Pairs);

        string quoted = Fixtures.Write(folder, "log.csv", "user_id,item_id\nu1,\"unterminated\n");
        AssertFailsAt(quoted, 2, () => DatasetLoader.Load(folder));
    }

    [Fact]
    public void SasRecPairsAndSequencesAreDetected()
    {
        string pairsFolder = Fixtures.NewFolder();
        string pairs = Fixtures.Write(pairsFolder, "Beauty.txt", "1 10\n1 11\n2 10\n2 12\n");
        var raw = DatasetLoader.Load(pairs);
        Assert.Equal(DatasetFormat.SasRecPairs, raw.Format);
        Assert.Equal([("1", "10"), ("1", "11"), ("2", "10"), ("2", "12")], Pairs(raw));

        string sequenceFolder = Fixtures.NewFolder();
        Fixtures.Write(sequenceFolder, "yelp.txt", "1 10 11 12\n2 10 12\n");
        Fixtures.Write(sequenceFolder, "items.jsonl", "{\"id\": 10, \"title\": \"Ten\"}\n");
        raw = DatasetLoader.Load(sequenceFolder);
        Assert.Equal(DatasetFormat.SasRecSequences, raw.Format);
        Assert.Equal(5, raw.InteractionCount);
        Assert.Equal("Ten", raw.Attributes["10"]["title"]);

        Fixtures.Write(pairsFolder, "Beauty.txt", "1 10\n1 11 12\n");
        AssertFailsAt(pairs, 2, () => DatasetLoader.Load(pairs, DatasetFormat.SasRecPairs));
    }

    [Fact]
    public void UnknownLayoutsAndFormatsFailClearly()
    {
        string folder = Fixtures.NewFolder();
        Fixtures.Write(folder, "notes.md", "nothing here");
        var error = Assert.Throws<InvalidDataException>(() => DatasetLoader.Load(folder));
        Assert.Contains("--format", error.Message);
        Assert.Throws<FormatException>(() => DatasetLoader.ParseFormat("parquet"));
        Assert.Equal(DatasetFormat.Delimited, DatasetLoader.ParseFormat("TSV"));
        Assert.All(DatasetLoader.FormatNames, name => Assert.Equal(name, DatasetLoader.FormatName(DatasetLoader.ParseFormat(name))));
    }
}
