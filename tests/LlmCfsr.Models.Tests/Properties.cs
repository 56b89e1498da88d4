// Torch's default generator and the live-tensor counter are process-wide: tests that seed, draw or count
// tensors must not interleave.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
