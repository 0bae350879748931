using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(AuditKit.Benchmarks.Server.AuditChainBenchmarks).Assembly).Run(args);
