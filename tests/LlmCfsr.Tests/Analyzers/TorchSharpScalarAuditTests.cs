using LlmCfsr.Analyzers;

namespace LlmCfsr.Tests.Analyzers;

/// <summary>
/// LLMCFSR101's list of TorchSharp members (build/analyzers/LlmCfsr.Analyzers/TorchSharpTransientScalarMembers.g.cs)
/// is what the IL of the referenced TorchSharp.dll says: a TorchSharp upgrade that changes it fails here until the
/// list is regenerated (run this test with LLMCFSR_UPDATE_SCALAR_AUDIT=1) and the new members are reviewed.
/// </summary>
public sealed class TorchSharpScalarAuditTests
{
    private static string TorchSharpPath => typeof(TorchSharp.Scalar).Assembly.Location;

    [Fact]
    public void TheCheckedInListIsTheReferencedTorchSharpsAudit()
    {
        var path = Path.Combine(RepositoryRoot(), "build", "analyzers", "LlmCfsr.Analyzers", "TorchSharpTransientScalarMembers.g.cs");
        var expected = TorchSharpScalarAudit.GeneratedSource(TorchSharpPath);
        if (Environment.GetEnvironmentVariable("LLMCFSR_UPDATE_SCALAR_AUDIT") == "1")
        {
            File.WriteAllText(path, expected);
        }
        Assert.True(File.ReadAllText(path).ReplaceLineEndings() == expected.ReplaceLineEndings(),
            $"{path} is not the audit of {TorchSharpPath}: rerun this test with LLMCFSR_UPDATE_SCALAR_AUDIT=1, review the diff and commit it.");
    }

    [Fact]
    public void TheAuditFindsTheMembersBehindTheCrash()
    {
        var members = TorchSharpScalarAudit.TransientScalarMembers(TorchSharpPath);
        // a + b and a.add(b) pass an alpha of 1 made inside TorchSharp: the crash seen in compare (THSTensor_add).
        Assert.Contains("M:TorchSharp.torch.Tensor.op_Addition(TorchSharp.torch.Tensor,TorchSharp.torch.Tensor)", members);
        Assert.Contains("M:TorchSharp.torch.Tensor.add(TorchSharp.torch.Tensor)", members);
        Assert.Contains("M:TorchSharp.Modules.Adam.step(System.Func{TorchSharp.torch.Tensor})", members);
        Assert.Contains("M:TorchSharp.Modules.AdamW.step(System.Func{TorchSharp.torch.Tensor})", members);
        // Members that pass every Scalar they are given, or numbers by value, are not listed.
        Assert.DoesNotContain("M:TorchSharp.torch.Tensor.add(TorchSharp.torch.Tensor,TorchSharp.Scalar)", members);
        Assert.DoesNotContain("M:TorchSharp.torch.Tensor.sub(TorchSharp.torch.Tensor)", members);
        Assert.DoesNotContain("M:TorchSharp.torch.Tensor.addmm(TorchSharp.torch.Tensor,TorchSharp.torch.Tensor,System.Single,System.Single)", members);
        Assert.Equal(TorchSharpTransientScalarMembers.TorchSharpVersion, typeof(TorchSharp.Scalar).Assembly.GetName().Version!.ToString());
    }

    private static string RepositoryRoot()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "Sdk.sln")))
        {
            root = root.Parent;
        }
        Assert.NotNull(root);
        return root.FullName;
    }
}
