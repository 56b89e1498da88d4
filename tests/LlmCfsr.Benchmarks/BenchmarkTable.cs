namespace LlmCfsr.Benchmarks;

/// <summary>Prints figures as an aligned text table.</summary>
internal static class BenchmarkTable
{
    public static void Print(TextWriter output, IReadOnlyList<BenchmarkFigure> figures)
    {
        int nameWidth = Math.Max(6, figures.Max(f => f.Name.Length));
        output.WriteLine($"   {"figure".PadRight(nameWidth)}  {"value",14}  {"unit",-10}  detail");
        foreach (var figure in figures)
        {
            output.WriteLine($"   {figure.Name.PadRight(nameWidth)}  {figure.Value,14:N2}  {figure.Unit,-10}  {figure.Detail}");
        }
    }
}
