import { PassThrough, Readable } from 'node:stream';
import type { Io } from '../../cli/io';
import { main } from '../../cli/main';

/** In-memory streams for a `wbnews` command run in-process; out()/err() read what was written. */
export function memoryIo(stdin = ''): Io & { out: () => string; err: () => string } {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  return { stdin: Readable.from([stdin]), stdout, stderr, out: () => out, err: () => err };
}

export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  /** stdout parsed as JSON lines. */
  readonly lines: Record<string, unknown>[];
}

/** Run `wbnews ARGS` in-process with `stdin`, as `npm run -s wbnews -- ARGS` would. */
export async function wbnews(args: string[], stdin = ''): Promise<CliResult> {
  const io = memoryIo(stdin);
  const code = await main(args, io);
  const out = io.out();
  return { code, out, err: io.err(), lines: out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}
