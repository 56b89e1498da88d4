using LlmCfsr.Benchmarks;

return BenchmarkApplication.Run(args);
