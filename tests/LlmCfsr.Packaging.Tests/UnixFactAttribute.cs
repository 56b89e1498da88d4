namespace LlmCfsr.Packaging.Tests;

/// <summary>A fact that needs Unix tools (du); skipped on Windows.</summary>
internal sealed class UnixFactAttribute : FactAttribute
{
    public UnixFactAttribute()
    {
        if (OperatingSystem.IsWindows())
        {
            Skip = "Needs du, which Windows lacks.";
        }
    }
}
