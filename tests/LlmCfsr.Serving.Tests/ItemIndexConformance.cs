using LlmCfsr.ItemIndex.USearch;
using LlmCfsr.Recommendation;
using LlmCfsr.Testing;
using Microsoft.Extensions.Options;

namespace LlmCfsr.Serving.Tests;

public sealed class ExactItemIndexConformance : ItemIndexConformanceTests
{
    protected override IItemIndexFactory CreateFactory() => new ExactItemIndexFactory();
}

public sealed class USearchItemIndexConformance : ItemIndexConformanceTests
{
    protected override IItemIndexFactory CreateFactory() => new USearchItemIndexFactory(Options.Create(new USearchItemIndexOptions()));
}
