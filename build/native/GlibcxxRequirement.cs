// Shared by the MSBuild inline task (build/LlmCfsr.NativeFix.targets) and by the core library's
// `llmcfsr doctor` check, so the build and the runtime agree on what "needs the fix" means.
// The core library compiles it with LLMCFSR_RUNTIME defined, which leaves out the MSBuild task.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

namespace LlmCfsr.Build
{
    /// <summary>
    /// Reads and edits the GNU symbol-version sections of ELF64 little-endian shared libraries.
    /// TorchSharp 0.107.0's libLibTorchSharp.so requires GLIBCXX_3.4.32 only for
    /// std::ios_base_library_init, which no relocation uses; marking that requirement weak
    /// (VER_FLG_WEAK) lets the dynamic loader accept an older libstdc++ and changes nothing else.
    /// </summary>
    internal static class GlibcxxRequirement
    {
        /// <summary>The version node the loader rejects on hosts with an older libstdc++.</summary>
        public const string Version = "GLIBCXX_3.4.32";

        /// <summary>The native library that asks for it.</summary>
        public const string TorchSharpLibrary = "libLibTorchSharp.so";

        private const uint ShtGnuVerdef = 0x6ffffffd;
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlagWeak = 0x2;

        /// <summary>State of one version requirement inside a library.</summary>
        public enum RequirementState
        {
            /// <summary>The library does not ask for the version at all.</summary>
            Absent,
            /// <summary>The library asks for it and the loader refuses to load without it.</summary>
            Strong,
            /// <summary>The library asks for it, but the loader accepts its absence.</summary>
            Weak,
        }

        /// <summary>Finds the libstdc++ this process uses (from /proc/self/maps), else the usual system paths.</summary>
        public static string? FindHostLibStdCxx()
        {
            try
            {
                if (File.Exists("/proc/self/maps"))
                {
                    foreach (var line in File.ReadLines("/proc/self/maps"))
                    {
                        int slash = line.IndexOf('/');
                        if (slash >= 0 && line.IndexOf("libstdc++.so", slash, StringComparison.Ordinal) >= 0)
                        {
                            return line.Substring(slash).Trim();
                        }
                    }
                }
            }
            catch (IOException)
            {
                // Fall through to the well-known locations.
            }
            catch (UnauthorizedAccessException)
            {
            }

            string[] candidates =
            {
                "/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/lib/aarch64-linux-gnu/libstdc++.so.6", "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
                "/usr/lib64/libstdc++.so.6", "/lib64/libstdc++.so.6", "/usr/lib/libstdc++.so.6",
            };
            foreach (var candidate in candidates)
            {
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
            return null;
        }

        /// <summary>True when the given libstdc++ defines <paramref name="version"/>.</summary>
        public static bool Defines(string libraryPath, string version)
        {
            var elf = new ElfImage(File.ReadAllBytes(libraryPath), libraryPath);
            foreach (var name in elf.VersionDefinitions())
            {
                if (name == version)
                {
                    return true;
                }
            }
            return false;
        }

        /// <summary>How <paramref name="libraryPath"/> requires <paramref name="version"/>.</summary>
        public static RequirementState Inspect(string libraryPath, string version)
        {
            var elf = new ElfImage(File.ReadAllBytes(libraryPath), libraryPath);
            var state = RequirementState.Absent;
            foreach (var entry in elf.VersionRequirements())
            {
                if (entry.Name == version)
                {
                    if ((entry.Flags & VerFlagWeak) == 0)
                    {
                        return RequirementState.Strong;
                    }
                    state = RequirementState.Weak;
                }
            }
            return state;
        }

        /// <summary>
        /// Marks every requirement of <paramref name="version"/> in the file weak. The file is rewritten
        /// through a temporary copy and a rename, so a hard link into a package cache is never edited.
        /// Returns false when nothing had to change (already weak, or not required).
        /// </summary>
        public static bool MakeWeak(string libraryPath, string version)
        {
            var bytes = File.ReadAllBytes(libraryPath);
            var elf = new ElfImage(bytes, libraryPath);
            bool changed = false;
            foreach (var entry in elf.VersionRequirements())
            {
                if (entry.Name == version && (entry.Flags & VerFlagWeak) == 0)
                {
                    elf.WriteUInt16(entry.FlagsOffset, (ushort)(entry.Flags | VerFlagWeak));
                    changed = true;
                }
            }
            if (!changed)
            {
                return false;
            }

            // A name of its own, so that two processes applying the fix at once never write the same file.
            var temporary = libraryPath + ".llmcfsr-" + Guid.NewGuid().ToString("N");
            var modified = File.GetLastWriteTimeUtc(libraryPath);
            File.WriteAllBytes(temporary, bytes);
            // Unlink first: the output copy may be a hard link into the package cache, which must stay intact.
            File.Delete(libraryPath);
            try
            {
                File.Move(temporary, libraryPath);
            }
            catch (IOException) when (File.Exists(libraryPath))
            {
                // Another process put its fixed copy in place first.
                File.Delete(temporary);
                return true;
            }
            // Keep the shipped timestamp so incremental builds see an unchanged file and skip the copy.
            File.SetLastWriteTimeUtc(libraryPath, modified);
            return true;
        }

        internal readonly struct Requirement
        {
            public Requirement(string name, ushort flags, long flagsOffset)
            {
                Name = name;
                Flags = flags;
                FlagsOffset = flagsOffset;
            }

            public string Name { get; }
            public ushort Flags { get; }
            public long FlagsOffset { get; }
        }

        private sealed class ElfImage
        {
            private readonly byte[] _bytes;
            private readonly string _path;

            public ElfImage(byte[] bytes, string path)
            {
                _bytes = bytes;
                _path = path;
                if (bytes.Length < 64 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
                {
                    throw new InvalidDataException($"{path}: not an ELF file.");
                }
                if (bytes[4] != 2 || bytes[5] != 1)
                {
                    throw new InvalidDataException($"{path}: only 64-bit little-endian ELF files are supported.");
                }
            }

            public IEnumerable<string> VersionDefinitions()
            {
                foreach (var (offset, count, link) in Sections(ShtGnuVerdef))
                {
                    long strings = SectionOffset(link);
                    long entry = offset;
                    for (uint i = 0; i < count; i++)
                    {
                        ushort auxCount = ReadUInt16(entry + 6);
                        uint auxOffset = ReadUInt32(entry + 12);
                        if (auxCount > 0)
                        {
                            yield return ReadString(strings + ReadUInt32(entry + auxOffset));
                        }
                        uint next = ReadUInt32(entry + 16);
                        if (next == 0)
                        {
                            break;
                        }
                        entry += next;
                    }
                }
            }

            public IEnumerable<Requirement> VersionRequirements()
            {
                foreach (var (offset, count, link) in Sections(ShtGnuVerneed))
                {
                    long strings = SectionOffset(link);
                    long need = offset;
                    for (uint i = 0; i < count; i++)
                    {
                        ushort auxCount = ReadUInt16(need + 2);
                        long aux = need + ReadUInt32(need + 8);
                        for (int j = 0; j < auxCount; j++)
                        {
                            yield return new Requirement(ReadString(strings + ReadUInt32(aux + 8)), ReadUInt16(aux + 4), aux + 4);
                            uint auxNext = ReadUInt32(aux + 12);
                            if (auxNext == 0)
                            {
                                break;
                            }
                            aux += auxNext;
                        }
                        uint next = ReadUInt32(need + 12);
                        if (next == 0)
                        {
                            break;
                        }
                        need += next;
                    }
                }
            }

            public void WriteUInt16(long offset, ushort value)
            {
                Check(offset, 2);
                _bytes[offset] = (byte)value;
                _bytes[offset + 1] = (byte)(value >> 8);
            }

            private IEnumerable<(long Offset, uint Count, uint Link)> Sections(uint type)
            {
                long table = (long)ReadUInt64(0x28);
                ushort entrySize = ReadUInt16(0x3A);
                ushort count = ReadUInt16(0x3C);
                for (int i = 0; i < count; i++)
                {
                    long header = table + (long)i * entrySize;
                    if (ReadUInt32(header + 4) == type)
                    {
                        yield return ((long)ReadUInt64(header + 0x18), ReadUInt32(header + 0x2C), ReadUInt32(header + 0x28));
                    }
                }
            }

            private long SectionOffset(uint index)
            {
                long table = (long)ReadUInt64(0x28);
                ushort entrySize = ReadUInt16(0x3A);
                return (long)ReadUInt64(table + (long)index * entrySize + 0x18);
            }

            private string ReadString(long offset)
            {
                Check(offset, 1);
                long end = offset;
                while (end < _bytes.Length && _bytes[end] != 0)
                {
                    end++;
                }
                return Encoding.ASCII.GetString(_bytes, (int)offset, (int)(end - offset));
            }

            private ushort ReadUInt16(long offset)
            {
                Check(offset, 2);
                return (ushort)(_bytes[offset] | (_bytes[offset + 1] << 8));
            }

            private uint ReadUInt32(long offset)
            {
                Check(offset, 4);
                return (uint)(_bytes[offset] | (_bytes[offset + 1] << 8) | (_bytes[offset + 2] << 16) | (_bytes[offset + 3] << 24));
            }

            private ulong ReadUInt64(long offset) => ReadUInt32(offset) | ((ulong)ReadUInt32(offset + 4) << 32);

            private void Check(long offset, int length)
            {
                if (offset < 0 || offset + length > _bytes.Length)
                {
                    throw new InvalidDataException($"{_path}: truncated or corrupt ELF (offset {offset} is outside the file).");
                }
            }
        }
    }

#if !LLMCFSR_RUNTIME
    /// <summary>
    /// MSBuild task: in each given output folder, marks libLibTorchSharp.so's GLIBCXX_3.4.32 requirement
    /// weak when the host's libstdc++ lacks that version. Idempotent; never touches the package cache.
    /// </summary>
    public sealed class WeakenGlibcxxRequirement : Microsoft.Build.Utilities.Task
    {
        /// <summary>Output folders (bin, publish) to look in.</summary>
        [Microsoft.Build.Framework.Required]
        public string[] Directories { get; set; } = Array.Empty<string>();

        /// <inheritdoc />
        public override bool Execute()
        {
            var hostLibrary = GlibcxxRequirement.FindHostLibStdCxx();
            if (hostLibrary == null)
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "LlmCfsr: no libstdc++ found on this host; TorchSharp native fix not needed.");
                return true;
            }
            if (GlibcxxRequirement.Defines(hostLibrary, GlibcxxRequirement.Version))
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, $"LlmCfsr: {hostLibrary} provides {GlibcxxRequirement.Version}; TorchSharp native fix not needed.");
                return true;
            }

            foreach (var directory in Directories)
            {
                foreach (var library in Candidates(directory))
                {
                    if (GlibcxxRequirement.MakeWeak(library, GlibcxxRequirement.Version))
                    {
                        Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                            $"LlmCfsr: {hostLibrary} lacks {GlibcxxRequirement.Version}; marked that requirement of {library} weak " +
                            "(TorchSharp uses it only for std::ios_base_library_init, which nothing calls).");
                    }
                }
            }
            return !Log.HasLoggedErrors;
        }

        private static IEnumerable<string> Candidates(string directory)
        {
            if (!Directory.Exists(directory))
            {
                yield break;
            }
            var direct = Path.Combine(directory, GlibcxxRequirement.TorchSharpLibrary);
            if (File.Exists(direct))
            {
                yield return direct;
            }
            var runtimes = Path.Combine(directory, "runtimes");
            if (Directory.Exists(runtimes))
            {
                foreach (var rid in Directory.GetDirectories(runtimes, "linux-*"))
                {
                    var nested = Path.Combine(rid, "native", GlibcxxRequirement.TorchSharpLibrary);
                    if (File.Exists(nested))
                    {
                        yield return nested;
                    }
                }
            }
        }
    }
#endif
}
