/**
 * A tiny benchmark harness for `npm run bench`: each bench/*.bench.ts exports `benchmarks`,
 * each measured on one core (this process) after a warm-up, reported as operations per second
 * against its target.
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
  readonly opsPerSecond: number;
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
  const stop = start + seconds * 1000;
  while (performance.now() < stop) {
    await run();
    rounds++;
  }
  const elapsed = (performance.now() - start) / 1000;
  const opsPerSecond = Math.round((rounds * batch) / elapsed);
  return {
    name: bench.name,
    unit: bench.unit,
    opsPerSecond,
    rounds,
    ...(bench.target !== undefined ? { target: bench.target, met: opsPerSecond >= bench.target } : {}),
  };
}
