using System.Text.RegularExpressions;
using TorchSharp;

namespace LlmCfsr.Training;

/// <summary>Parses device strings ("cpu", "cuda", "cuda:N") and checks that CUDA is there when asked for.</summary>
public static partial class TorchDevice
{
    /// <summary>Whether <paramref name="device"/> is "cpu", "cuda" or "cuda:N" (case-insensitive).</summary>
    public static bool IsValid(string? device) => device is not null && DevicePattern().IsMatch(device.Trim());

    /// <summary>The torch device for <paramref name="device"/>; throws when it is malformed or CUDA is missing.</summary>
    public static torch.Device Parse(string device)
    {
        if (!IsValid(device))
        {
            throw new ArgumentException($"Device '{device}' is not a device: use 'cpu', 'cuda' or 'cuda:N'.", nameof(device));
        }
        var normalized = device.Trim().ToLowerInvariant();
        if (normalized.StartsWith("cuda", StringComparison.Ordinal) && !torch.cuda.is_available())
        {
            throw new InvalidOperationException($"Device '{device}' was requested but CUDA is not available (run 'llmcfsr doctor').");
        }
        return torch.device(normalized);
    }

    [GeneratedRegex(@"^(cpu|cuda(:\d+)?)$", RegexOptions.IgnoreCase)]
    private static partial Regex DevicePattern();
}
