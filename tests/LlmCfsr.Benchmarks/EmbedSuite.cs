using System.Diagnostics;
using LlmCfsr.Encoders;
using LlmCfsr.Encoders.Decoder;
using LlmCfsr.Encoders.Llama2;
using LlmCfsr.Encoders.MiniLM;
using LlmCfsr.Prompts;
using TorchSharp;
using static TorchSharp.torch;

namespace LlmCfsr.Benchmarks;

/// <summary>
/// Item-embedding throughput in tokens/s: MiniLM and the stories260K LLaMA-2 fixture through their semantic
/// encoders on rendered item prompts of the synthetic catalogue, and one decoder layer of LLaMA-2-7B's shape
/// (hidden 4096, 32 heads, intermediate 11008, fp32, random weights) to extrapolate a 32-layer 7B pass.
/// </summary>
internal sealed class EmbedSuite : IBenchmarkSuite
{
    private const int Texts = 256;
    private const int EncodeBatch = 32;

    public string Name => "embed";

    public string Description => $"embedding generation tokens/s ({Texts} item prompts, batch {EncodeBatch}) and a LLaMA-2-7B-shaped layer";

    public IReadOnlyList<BenchmarkFigure> Run(BenchmarkReport report)
    {
        var dataset = BenchmarkWorkload.Generate(Texts, 500);
        var texts = ItemPromptTemplates.Beauty.RenderAll(dataset.ItemAttributes).Take(Texts).ToList();
        var figures = new List<BenchmarkFigure>();

        using (var miniLm = new MiniLmEncoder())
        {
            long tokens = miniLm.CountTokens(texts).Sum();
            double seconds = TimeEncode(miniLm, texts);
            figures.Add(new BenchmarkFigure("MiniLM tokens/s", tokens / seconds, "tokens/s", $"{texts.Count} texts, {tokens:N0} tokens in {seconds:F2} s"));
        }

        string stories = FixturePath("tests/fixtures/stories260K-hf");
        using (var decoder = new Llama2SemanticEncoder(new Llama2EncoderOptions { ModelPath = stories }))
        using (var tokenizer = SentencePieceDecoderTokenizer.Load(Path.Combine(stories, "tokenizer.model")))
        {
            long tokens = texts.Sum(t => Math.Min(decoder.MaxTokens, tokenizer.Encode(t).Count));
            double seconds = TimeEncode(decoder, texts);
            figures.Add(new BenchmarkFigure("stories260K tokens/s", tokens / seconds, "tokens/s", $"{texts.Count} texts, {tokens:N0} tokens in {seconds:F2} s"));
        }

        figures.AddRange(SevenBillionLayer(report));
        return figures;
    }

    private static double TimeEncode(ISemanticEncoder encoder, IReadOnlyList<string> texts)
    {
        var options = new SemanticEncodingOptions { BatchSize = EncodeBatch };
        // Loads the weights and warms up on one batch.
        encoder.Encode(texts.Take(EncodeBatch).ToList(), options).Dispose();
        var clock = Stopwatch.StartNew();
        encoder.Encode(texts, options).Dispose();
        return clock.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// One LLaMA-2-7B-shaped layer on one sequence of 128 tokens. A 7B pass is 32 such layers plus the embedding
    /// lookup and final norm (negligible), so its time per token is 32 times the layer's. The vocabulary is cut to
    /// 512 tokens: only the lookup table shrinks, which the layer timing does not include.
    /// </summary>
    private static IEnumerable<BenchmarkFigure> SevenBillionLayer(BenchmarkReport report)
    {
        const int batch = 1, length = 128, hidden = 4096, intermediate = 11008, layers = 32;
        var config = new DecoderConfig
        {
            ModelType = "llama", VocabSize = 512, HiddenSize = hidden, IntermediateSize = intermediate, NumHiddenLayers = 1,
            NumAttentionHeads = 32, NumKeyValueHeads = 32, RmsNormEps = 1e-5, RopeTheta = 10000, MaxPositionEmbeddings = 4096,
        };
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var model = DecoderLanguageModel.Create(config);
        var generator = new Generator(3);
        var ids = randint(0, config.VocabSize, new long[] { batch, length }, generator: generator, dtype: ScalarType.Int64);
        var mask = ones(batch, length, dtype: ScalarType.Int64);
        model.HiddenStates(ids, mask).Dispose();
        const int repetitions = 2;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < repetitions; i++)
        {
            model.HiddenStates(ids, mask).Dispose();
        }
        double seconds = clock.Elapsed.TotalSeconds / repetitions;
        double tokens = batch * length;
        // Projections: 2·(4·h² + 3·h·i) per token; attention scores and weighted sum: 4·L·h per token.
        double flops = tokens * (2 * (4.0 * hidden * hidden + 3.0 * hidden * intermediate) + 4.0 * length * hidden);
        double peak = report.Find("peak", PeakSuite.PeakFigure)?.Value ?? double.NaN;
        yield return new BenchmarkFigure("LLaMA-2-7B layer tokens/s", tokens / seconds, "tokens/s", $"{batch}×{length} tokens, fp32, {seconds:F2} s per pass");
        yield return new BenchmarkFigure("LLaMA-2-7B layer achieved", flops / seconds / 1e9, "GFLOP/s",
            double.IsNaN(peak) ? "2·(4h²+3hi)+4Lh per token" : $"{flops / seconds / 1e9 / peak:P1} of peak; 2·(4h²+3hi)+4Lh per token");
        yield return new BenchmarkFigure("LLaMA-2-7B pass tokens/s (extrapolated)", tokens / seconds / layers, "tokens/s", $"{layers} layers; 20,000 items × 40 tokens ≈ {20_000 * 40 / (tokens / seconds / layers) / 3600:F1} h");
    }

    /// <summary>A path under the repository root, found by walking up from the working directory.</summary>
    private static string FixturePath(string relative)
    {
        for (var directory = new DirectoryInfo(Directory.GetCurrentDirectory()); directory is not null; directory = directory.Parent)
        {
            string candidate = Path.Combine(directory.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"'{relative}' not found above {Directory.GetCurrentDirectory()}; run from the repository.");
    }
}
