using System.Runtime.InteropServices;
using LlmCfsr.Runtime;

namespace LlmCfsr.Tests.Foundation;

public class NativeAllocatorPolicyTests
{
    [Theory]
    [InlineData(null, null, true, true, "glibc tuned for tensors: blocks from the heap (no mapping per block, mmap threshold 32 MiB), no trimming below 2 GiB, top pad 256 MiB")]
    [InlineData("Tuned", "glibc.rtld.optional_static_tls=512", true, true, "glibc tuned")]
    [InlineData("default", null, true, false, "the C library's defaults (LLMCFSR_MALLOC=default)")]
    [InlineData(null, "glibc.malloc.mmap_threshold=65536", true, false, "glibc's, from GLIBC_TUNABLES")]
    [InlineData(null, null, false, false, "the C library's defaults (not glibc)")]
    public void TheSettingsApplyOnGlibcUnlessTheUserChoseOtherwise(string? choice, string? tunables, bool glibc, bool apply, string reason)
    {
        var decision = NativeAllocatorPolicy.Decide(choice, tunables, glibc);
        Assert.Equal(apply, decision.Apply);
        Assert.StartsWith(reason, decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnknownChoiceIsRejected()
    {
        var error = Assert.Throws<ArgumentException>(() => NativeAllocatorPolicy.Decide("fast", null, glibc: true));
        Assert.Equal("LLMCFSR_MALLOC must be 'tuned' or 'default' (got 'fast').", error.Message);
    }

    /// <summary>
    /// glibc maps a block on its own above its mmap threshold (128 KiB by default, 32 MiB at most) unless mapping per
    /// block is off: after the policy a 24 MiB block and a 48 MiB block (above any threshold) both come from the heap,
    /// and a 96 MiB block, more than this test thread's heap may hold, is still served (mapped as glibc's fallback).
    /// </summary>
    [Fact]
    public void AfterThePolicyMegabyteBlocksComeFromTheHeap()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable(NativeAllocatorPolicy.EnvironmentVariable) is { Length: > 0 }
            || Environment.GetEnvironmentVariable("GLIBC_TUNABLES") is { Length: > 0 })
        {
            return; // glibc is the C library of the Linux hosts this runs on; a user's own choice is left alone.
        }
        Assert.StartsWith("glibc tuned", NativeAllocatorPolicy.Prepare(), StringComparison.Ordinal);

        Assert.Equal(0, MappedBlocksAdded(24 << 20));
        Assert.Equal(0, MappedBlocksAdded(48 << 20));
        Assert.InRange(MappedBlocksAdded(96 << 20), 0, 1);
    }

    [Theory]
    [InlineData("default", 0, "Allocator:    the C library's defaults (LLMCFSR_MALLOC=default)")]
    [InlineData(null, 0, "Allocator:    glibc tuned for tensors")]
    [InlineData("fast", 1, "error: LLMCFSR_MALLOC must be 'tuned' or 'default' (got 'fast').")]
    public async Task DoctorShowsTheAllocatorPolicyOfAFreshProcess(string? choice, int exit, string expected)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var (code, output, error) = await FreshCliProcess.RunAsync(["doctor"],
            new Dictionary<string, string?> { ["GLIBC_TUNABLES"] = null, [NativeAllocatorPolicy.EnvironmentVariable] = choice });

        Assert.True(code == exit, error);
        Assert.Contains(expected, exit == 0 ? output : error, StringComparison.Ordinal);
        if (exit != 0)
        {
            Assert.Single(error.TrimEnd().Split('\n'));
        }
    }

    // Marshal.AllocHGlobal is malloc on Unix.
    private static long MappedBlocksAdded(int bytes)
    {
        long before = (long)NativeMethods.mallinfo2().MappedBlocks;
        var block = Marshal.AllocHGlobal(bytes);
        try
        {
            return (long)NativeMethods.mallinfo2().MappedBlocks - before;
        }
        finally
        {
            Marshal.FreeHGlobal(block);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallocInfo
    {
        public nuint Arena, OrdinaryBlocks, SmallBlocks, MappedBlocks, MappedBytes, MaxAllocated, FastBytes, Allocated, Free, Releasable;
    }

    private static class NativeMethods
    {
        [DllImport("libc")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern MallocInfo mallinfo2();
    }
}
