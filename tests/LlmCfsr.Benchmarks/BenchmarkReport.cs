using System.Text.Json;

namespace LlmCfsr.Benchmarks;

/// <summary>All figures of one run and the machine, written as benchmarks.json.</summary>
internal sealed class BenchmarkReport
{
    private readonly Dictionary<string, IReadOnlyList<BenchmarkFigure>> _suites = new();

    public BenchmarkReport(MachineInfo machine) => Machine = machine;

    public MachineInfo Machine { get; }

    public void Add(string suite, IReadOnlyList<BenchmarkFigure> figures) => _suites[suite] = figures;

    /// <summary>A figure measured earlier in this run, or null.</summary>
    public BenchmarkFigure? Find(string suite, string name)
        => _suites.TryGetValue(suite, out var figures) ? figures.FirstOrDefault(f => f.Name == name) : null;

    public void Write(string path)
    {
        var document = new
        {
            created = DateTimeOffset.UtcNow,
            machine = Machine,
            suites = _suites.ToDictionary(s => s.Key, s => s.Value.Select(f => new { name = f.Name, value = f.Value, unit = f.Unit, detail = f.Detail })),
        };
        File.WriteAllText(path, JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase }));
    }
}
