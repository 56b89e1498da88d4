using TorchSharp;

namespace LlmCfsr.Runtime;

/// <summary>What <c>llmcfsr doctor</c> reports about the TorchSharp runtime of this process.</summary>
public sealed record TorchRuntimeReport
{
    /// <summary>TorchSharp managed assembly version.</summary>
    public required string TorchSharpVersion { get; init; }

    /// <summary>"cuda" when CUDA is usable, else "cpu".</summary>
    public required string Backend { get; init; }

    /// <summary>Devices tensors can be placed on.</summary>
    public required IReadOnlyList<string> Devices { get; init; }

    /// <summary>libtorch intra-op threads, where the count came from, and the OpenMP wait policy.</summary>
    public required TorchThreadSettings Threads { get; init; }

    /// <summary>The C allocator's settings for tensors (<see cref="NativeAllocatorPolicy"/>).</summary>
    public required string Allocator { get; init; }

    /// <summary>The native-library compatibility check.</summary>
    public required NativeLibraryFixReport NativeFix { get; init; }

    /// <summary>Loads TorchSharp (if not yet loaded) and describes it.</summary>
    public static TorchRuntimeReport Collect()
    {
        var nativeFix = NativeLibraryFixReport.Inspect(AppContext.BaseDirectory);
        torch.InitializeDeviceType(DeviceType.CPU);
        bool cuda = torch.cuda.is_available();
        var devices = new List<string> { "cpu" };
        if (cuda)
        {
            for (int i = 0; i < torch.cuda.device_count(); i++)
            {
                devices.Add($"cuda:{i}");
            }
        }
        return new TorchRuntimeReport
        {
            TorchSharpVersion = typeof(torch).Assembly.GetName().Version?.ToString() ?? "unknown",
            Backend = cuda ? "cuda" : "cpu",
            Devices = devices,
            Threads = TorchThreadPolicy.Current,
            Allocator = NativeAllocatorPolicy.Current ?? "the C library's defaults (not prepared in this process)",
            NativeFix = nativeFix,
        };
    }
}
