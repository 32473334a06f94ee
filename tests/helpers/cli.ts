import { spawn } from 'node:child_process';
import { PassThrough, Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { Io } from '../../cli/io';
import { main } from '../../cli/main';

/** In-memory streams for a `wbnews` command run in-process; out()/err() read what was written. */
export function memoryIo(stdin = '', env?: NodeJS.ProcessEnv): Io & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdin: Readable.from([stdin]), stdout, stderr, out: () => out, err: () => err, ...(env ? { env } : {}) };
}

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  /** stdout parsed as JSON lines. */
  readonly lines: Record<string, unknown>[];
}

/** Run `wbnews ARGS` in-process with `stdin` (and `env` in place of process.env), as `npm run -s wbnews -- ARGS` would. */
export async function wbnews(args: string[], stdin = '', env?: NodeJS.ProcessEnv): Promise<CliResult> {
  const io = memoryIo(stdin, env);
  const code = await main(args, io);
  const out = io.out();
  return { code, out, err: io.err(), lines: out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

export interface ProcessResult {
  /** Exit code, or null when the process had to be killed (it did not exit in time). */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly out: string;
  readonly err: string;
}

const REPO = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Run `wbnews ARGS` as its own process, exactly as `npm run -s wbnews -- ARGS` does, for what
 * only a real process shows: that it exits (no handle left open) and what it prints when it
 * dies. Killed after `killAfterMs` (then `code` is null): a hang fails the test, it does not stall it.
 */
export function wbnewsProcess(args: string[], options: { killAfterMs?: number; stdin?: string; env?: NodeJS.ProcessEnv } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'cli/wbnews.ts', ...args], {
      cwd: REPO,
      env: { ...(options.env ?? process.env), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.killAfterMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
    child.stdin.end(options.stdin ?? '');
  });
}
