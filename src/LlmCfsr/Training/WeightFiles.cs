using LlmCfsr.Models;
using TorchSharp.PyBridge;

namespace LlmCfsr.Training;

/// <summary>Loads model weights with errors that name the file (the library's own say only what failed to parse).</summary>
internal static class WeightFiles
{
    public static void Load(SequentialRecommender model, string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} is missing.", path);
        }
        try
        {
            model.load_safetensors(path);
        }
        catch (Exception e) when (e is not OutOfMemoryException and not FileNotFoundException)
        {
            throw new InvalidDataException($"{path}: not readable as this model's safetensors weights ({e.Message}).", e);
        }
    }
}
