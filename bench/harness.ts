/**
 * A tiny benchmark harness for `npm run bench`: each bench/*.bench.ts exports `benchmarks`,
 * each measured on one core (this process) after a warm-up, reported as operations per second
 * against its target. The rate is per CPU-second of this process (user + system), which is the
 * single-core figure the targets state and does not drop when other processes load the machine;
 * the wall-clock rate is reported next to it. (CPU time includes GC and JIT of this process.)
 */
export interface Benchmark {
  readonly name: string;
  /** What one operation is, e.g. "items" or "articles". */
  readonly unit: string;
  /** The goal in operations per second, when the issue states one. */
  readonly target?: number;
  /** Prepare once; return the function that performs `n` operations per call. */
  setup(): Promise<{ readonly batch: number; readonly run: () => void | Promise<void> }>;
}

export interface BenchResult {
  readonly name: string;
  readonly unit: string;
  /** Operations per CPU-second of this process: the single-core rate, steady under machine load. */
  readonly opsPerSecond: number;
  /** Operations per wall-clock second (lower when other processes compete for the core). */
  readonly opsPerWallSecond: number;
  readonly target?: number;
  readonly met?: boolean;
  readonly rounds: number;
}

export async function measure(bench: Benchmark, seconds = 2): Promise<BenchResult> {
  const { batch, run } = await bench.setup();
  const warmUntil = performance.now() + 300;
  while (performance.now() < warmUntil) await run();
  let rounds = 0;
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const stop = start + seconds * 1000;
  while (performance.now() < stop) {
    await run();
    rounds++;
  }
  const elapsed = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const opsPerSecond = Math.round((rounds * batch) / cpuSeconds);
  return {
    name: bench.name,
    unit: bench.unit,
    opsPerSecond,
    opsPerWallSecond: Math.round((rounds * batch) / elapsed),
    rounds,
    ...(bench.target !== undefined ? { target: bench.target, met: opsPerSecond >= bench.target } : {}),
  };
}
