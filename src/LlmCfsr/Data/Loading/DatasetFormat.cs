namespace LlmCfsr.Data.Loading;

/// <summary>Source formats <see cref="DatasetLoader"/> reads (docs/data.md lists the files each expects).</summary>
public enum DatasetFormat
{
    /// <summary><c>*.inter.json</c> (user id -> ordered item ids) + <c>*.item.json</c> (item id -> attributes), the LLM-ESR layout; CLI name "json".</summary>
    JsonSequences,

    /// <summary>RecBole atomic files <c>*.inter</c> + optional <c>*.item</c>; CLI name "recbole".</summary>
    RecBole,

    /// <summary>Amazon 2014 dumps <c>reviews_&lt;Cat&gt;.json.gz</c> + <c>meta_&lt;Cat&gt;.json.gz</c> (Python literals); CLI name "amazon2014".</summary>
    Amazon2014,

    /// <summary>Amazon 2018 dumps <c>&lt;Cat&gt;.json.gz</c> + <c>meta_&lt;Cat&gt;.json.gz</c>; CLI name "amazon2018".</summary>
    Amazon2018,

    /// <summary>Yelp Open Dataset <c>review.json</c> + <c>business.json</c>; CLI name "yelp".</summary>
    Yelp,

    /// <summary>CSV/TSV (user, item, timestamp) + optional <c>items.jsonl</c>/<c>items.csv</c>/<c>items.tsv</c>; CLI name "csv".</summary>
    Delimited,

    /// <summary>SASRec text: one "user item" pair per line, in time order; CLI name "sasrec-pairs".</summary>
    SasRecPairs,

    /// <summary>LLM-ESR text: "user i1 i2 ..." per line, in time order; CLI name "sasrec-sequences".</summary>
    SasRecSequences,
}
