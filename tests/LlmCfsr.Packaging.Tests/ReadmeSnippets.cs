using System.Text.RegularExpressions;

namespace LlmCfsr.Packaging.Tests;

/// <summary>The install commands and the application program of a README, between their marker comments.</summary>
internal sealed partial record ReadmeSnippets(string InstallCommands, string Program)
{
    public static ReadmeSnippets Read(string path)
    {
        var text = File.ReadAllText(path).ReplaceLineEndings("\n");
        return new ReadmeSnippets(Block(text, "install", "bash", path), Block(text, "program", "csharp", path));
    }

    private static string Block(string text, string name, string language, string path)
    {
        var match = Regex.Match(text, $"<!-- {name}:begin -->\n```{language}\n(.*?)```\n<!-- {name}:end -->", RegexOptions.Singleline);
        Assert.True(match.Success, $"{path} has no ```{language} block between <!-- {name}:begin --> and <!-- {name}:end -->.");
        return match.Groups[1].Value;
    }
}
