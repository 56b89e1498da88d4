using System.CommandLine;
using System.Text;
using LlmCfsr.Cli;
using LlmCfsr.Testing;

namespace LlmCfsr.Data.Tests;

/// <summary>
/// Bad input through the real command line: one line naming the file, line or field (and the encoding where it is
/// one), exit code 1 (2 for usage errors), no stack trace.
/// </summary>
public class BadInputProbeTests
{
    private static (int Exit, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApplication.Run(args, new InvocationConfiguration { Output = output, Error = error });
        return (exit, error.ToString());
    }

    private static string Folder(string interName, byte[] inter, string? itemName = null, byte[]? items = null)
    {
        string folder = Fixtures.NewFolder();
        File.WriteAllBytes(Path.Combine(folder, interName), inter);
        if (itemName is not null)
        {
            File.WriteAllBytes(Path.Combine(folder, itemName), items!);
        }
        return folder;
    }

    private static readonly byte[] Inter = Encoding.UTF8.GetBytes("""{"u1": [1, 2, 3], "u2": [2, 3, 1]}""");

    [Fact]
    public void NonUtf8BytesInAJsonItemFileNameFileLineAndByte()
    {
        var items = Encoding.UTF8.GetBytes("{\n\"1\": {\"title\": \"One\"},\n\"2\": {\"title\": \"T\u00e9\"}\n}").ToList();
        int e = items.IndexOf(0xC3);
        items[e] = 0xE9; // Latin-1 'é' where UTF-8 needs two bytes
        items.RemoveAt(e + 1);
        var folder = Folder("Toy.inter.json", Inter, "Toy.item.json", [.. items]);
        var (exit, error) = Run("data", "stats", "--input", folder);
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, Path.Combine(folder, "Toy.item.json") + ":3:", "byte 0xE9 is not valid UTF-8");
    }

    [Fact]
    public void NonUtf8BytesInAJsonLinesFileAreAnErrorNotAReplacement()
    {
        string folder = Fixtures.NewFolder();
        Fixtures.Write(folder, "log.csv", "user_id,item_id\nu1,i1\nu1,i2\n");
        var lines = Encoding.UTF8.GetBytes("{\"item_id\": \"i1\", \"title\": \"One\"}\n{\"item_id\": \"i2\", \"title\": \"Tw?\"}\n");
        lines[Array.LastIndexOf(lines, (byte)'?')] = 0xFF;
        File.WriteAllBytes(Path.Combine(folder, "items.jsonl"), lines);
        var (exit, error) = Run("data", "stats", "--input", folder);
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, Path.Combine(folder, "items.jsonl") + ":2:", "byte 0xFF is not valid UTF-8");
    }

    [Fact]
    public void NonUtf8BytesInACsvFileAreAnErrorNotAReplacement()
    {
        string folder = Fixtures.NewFolder();
        var csv = Encoding.UTF8.GetBytes("user_id,item_id\nu1,i1\nu?,i2\n");
        csv[Array.IndexOf(csv, (byte)'?')] = 0xFC;
        File.WriteAllBytes(Path.Combine(folder, "log.csv"), csv);
        var (exit, error) = Run("data", "stats", "--input", folder);
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, Path.Combine(folder, "log.csv") + ":3:", "byte 0xFC is not valid UTF-8");
    }

    [Fact]
    public void Utf16JsonNamesTheEncoding()
    {
        var folder = Folder("Toy.inter.json", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("""{"u1": [1, 2, 3]}""")]);
        var (exit, error) = Run("data", "stats", "--input", folder);
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, Path.Combine(folder, "Toy.inter.json"), "UTF-16 (little-endian byte-order mark)", "save it as UTF-8");

        folder = Folder("Toy.inter.json", Encoding.Unicode.GetBytes("""{"u1": [1, 2, 3]}"""));
        (exit, error) = Run("data", "stats", "--input", folder);
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, "UTF-16 (no byte-order mark");
    }

    [Fact]
    public void ADuplicateUserKeyIsRefusedNotJoined()
    {
        var folder = Folder("Toy.inter.json", Encoding.UTF8.GetBytes("""{"u1": [1, 2, 3], "u2": [2, 3], "u1": [4, 5]}"""));
        var (exit, error) = Run("data", "stats", "--input", folder);
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, Path.Combine(folder, "Toy.inter.json"), "user 'u1' is a key twice");
    }

    [Fact]
    public void PrepareRefusesAnExistingPreparedFolderWithoutForce()
    {
        var source = Folder("Toy.inter.json", Encoding.UTF8.GetBytes("""{"u1": [1, 2, 3, 4], "u2": [2, 3, 4, 1], "u3": [3, 4, 1, 2]}"""));
        string output = Path.Combine(Fixtures.NewFolder(), "prepared");
        Assert.Equal(0, Run("data", "prepare", "--input", source, "--out", output).Exit);
        var before = File.ReadAllBytes(Path.Combine(output, "dataset.json"));
        var (exit, error) = Run("data", "prepare", "--input", source, "--out", output, "--max-len", "3");
        Assert.Equal(1, exit);
        CommandLineAssert.OneLineError(error, output, "--force");
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(output, "dataset.json")));
        Assert.Equal(0, Run("data", "prepare", "--input", source, "--out", output, "--max-len", "3", "--force").Exit);
    }

    [Fact]
    public void UsageErrorsExitWithTwo()
    {
        var (exit, error) = Run("data", "stats", "--input", Fixtures.NewFolder(), "--no-such-option");
        Assert.Equal(2, exit);
        Assert.Contains("--no-such-option", error);
        Assert.DoesNotContain("   at ", error);
    }
}
