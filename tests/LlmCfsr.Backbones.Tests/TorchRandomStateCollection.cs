namespace LlmCfsr.Backbones.Tests;

/// <summary>
/// Tests that compare two runs draw for draw (resume equals uninterrupted) share torch's process-wide default
/// generator with every other test in this assembly: dropout, shuffling and initialisation draw from it. They run in
/// this collection, which xunit runs alone after the parallel ones, so no other test draws in between.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TorchRandomStateCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "torch default generator";
}
