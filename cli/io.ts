import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/** The streams a command talks to; tests pass their own. */
export interface Io {
  readonly stdin: Readable;
  readonly stdout: Writable;
  readonly stderr: Writable;
  /** The environment the command reads (ARTICLES_BUCKET ...); default process.env. */
  readonly env?: NodeJS.ProcessEnv;
}

/** A command's failure with a message for the user and an exit code. */
export class UsageError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
    this.name = 'UsageError';
  }
}

export function writeJson(io: Io, value: unknown): void {
  io.stdout.write(`${JSON.stringify(value)}\n`);
}

export interface JsonLine {
  readonly line: number;
  readonly value?: Record<string, unknown>;
  readonly error?: string;
}

/**
 * Each stdin line parsed as a JSON object; a bad line yields an error, not a crash. A blank line
 * is a bad line too (not skipped): a command answers every input line, so output line N always
 * belongs to input line N.
 */
export async function* readJsonLines(stream: Readable): AsyncGenerator<JsonLine> {
  const rl = createInterface({ input: stream, crlfDelay: Infinity });
  let line = 0;
  for await (const raw of rl) {
    line++;
    // A byte-order mark (files saved by some Windows tools) is not part of the first object.
    const text = line === 1 && raw.startsWith('\uFEFF') ? raw.slice(1) : raw;
    if (!text.trim()) {
      yield { line, error: `line ${line}: blank line, expected a JSON object` };
      continue;
    }
    try {
      const value: unknown = JSON.parse(text);
      if (!value || typeof value !== 'object' || Array.isArray(value)) {
        yield { line, error: `line ${line}: expected a JSON object` };
      } else {
        yield { line, value: value as Record<string, unknown> };
      }
    } catch (error) {
      yield { line, error: `line ${line}: invalid JSON (${(error as Error).message})` };
    }
  }
}

export function optionalString(value: Record<string, unknown>, key: string): string | undefined {
  const v = value[key];
  return typeof v === 'string' ? v : undefined;
}
