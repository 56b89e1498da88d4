using System.CommandLine;
using LlmCfsr.Cli;

namespace LlmCfsr.Tests.Foundation;

public class DoctorCommandTests
{
    [Fact]
    public void DoctorReportsTheCpuBackendAndTheNativeFix()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CliApplication.BuildRootCommand().Parse(["doctor"]).Invoke(new InvocationConfiguration { Output = output, Error = error });

        Assert.True(exit == 0, error.ToString());
        var text = output.ToString();
        Assert.Contains("TorchSharp:   0.107.0", text);
        Assert.Contains("Backend:      cpu", text);
        Assert.Contains("Devices:      cpu", text);
        Assert.Matches(@"Threads:\s+[1-9]\d*", text);
        Assert.Matches(@"Native fix:\s+(not needed|needed \(host lacks GLIBCXX_3\.4\.32\); applied to )", text);
    }

    [Fact]
    public void UnknownCommandFails()
    {
        var error = new StringWriter();
        int exit = CliApplication.BuildRootCommand().Parse(["no-such-command"]).Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        Assert.NotEqual(0, exit);
    }

    [Fact]
    public void HelpNamesTheInstalledCommand()
    {
        var output = new StringWriter();
        int exit = CliApplication.BuildRootCommand().Parse(["--help"]).Invoke(new InvocationConfiguration { Output = output, Error = new StringWriter() });

        Assert.Equal(0, exit);
        Assert.Contains("llmcfsr [command] [options]", output.ToString());
        Assert.DoesNotContain("LlmCfsr.Cli", output.ToString());
    }
}
