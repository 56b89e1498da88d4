// Training uses torch's process-wide default generator: runs must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
