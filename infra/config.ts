import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Node } from 'constructs';
import { ConfigError } from '../functions/core/errors';
import { validateFeedsFile } from '../functions/core/feeds-config';
import type { FeedConfig } from '../functions/core/model';

/** Everything the stack reads from CDK context (`-c key=value` or cdk.json), validated at synth. */
export interface StackConfig {
  /** Minutes between ingest cycles. Context `scheduleMinutes`, default 15. */
  readonly scheduleMinutes: number;
  /** The feeds file deployed with the dispatcher. Context `feedsFile`, default feeds/feeds.json. */
  readonly feedsFile: string;
  /** Its validated content. */
  readonly feeds: readonly FeedConfig[];
}

export const DEFAULT_FEEDS_FILE = fileURLToPath(new URL('../feeds/feeds.json', import.meta.url));

function intContext(node: Node, key: string, fallback: number, min: number, max: number): number {
  const raw: unknown = node.tryGetContext(key);
  if (raw === undefined) return fallback;
  const value = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`context "${key}" must be an integer from ${min} to ${max} (got ${JSON.stringify(raw)})`, { value: String(raw) });
  }
  return value;
}

export function loadFeeds(path: string): FeedConfig[] {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new ConfigError(`feeds file ${path}: ${(cause as Error).message}`, { value: path }, { cause });
  }
  return validateFeedsFile(doc, path);
}

export function readStackConfig(node: Node): StackConfig {
  const feedsFile = (node.tryGetContext('feedsFile') as string | undefined) ?? DEFAULT_FEEDS_FILE;
  return {
    scheduleMinutes: intContext(node, 'scheduleMinutes', 15, 1, 1440),
    feedsFile,
    feeds: loadFeeds(feedsFile),
  };
}
