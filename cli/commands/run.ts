import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_FETCH_OPTIONS, FETCH_TIMEOUT_RANGE, type FetchOptions } from '../../functions/adapters/http-fetch';
import type { FeedOutcome } from '../../functions/ingest/ingest-feed';
import { loadFeedsFile, runCycle, type CycleSummary, type SkippedFeed } from '../local/cycle';
import { openDataDir } from '../local/data-dir';
import { startFeedServer, type FeedServer } from '../local/feed-server';
import { UsageError, writeJson, type Io } from '../io';

const DEMO_DIR = fileURLToPath(new URL('../../feeds/demo/', import.meta.url));
// The demo server regenerates these on every request (fresh build time, no validators), like
// many CMS feeds; the others are static files with ETag/Last-Modified, so a repeat run gets 304.
const DEMO_DYNAMIC = ['balkan-wire.xml', 'southeast-atom.xml'];

/**
 * `wbnews run [--feeds FILE] [--data DIR] [--json] [--timeout-ms N] [--force] [--allow-loopback]`:
 * one full ingest cycle on this machine. `--allow-loopback` lets `fullText` feeds fetch article
 * pages from 127.0.0.1; `--force` fetches the feeds in back-off too. Progress lines go to
 * stderr; with --json (or when stdout is not a terminal) one JSON line per feed fetched
 * ({"type":"feed"}), one per feed skipped ({"type":"skipped"}) and a summary line go to stdout.
 */
export async function runCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      feeds: { type: 'string' },
      data: { type: 'string' },
      json: { type: 'boolean', default: false },
      'timeout-ms': { type: 'string' },
      'allow-loopback': { type: 'boolean', default: false },
      force: { type: 'boolean', default: false },
    },
  });
  const json = values.json || !(io.stdout as NodeJS.WriteStream).isTTY;
  const fetchOptions = timeoutOption(values['timeout-ms']);
  // A feeds file is read before anything starts, so a bad one costs nothing to clean up.
  const fileFeeds = values.feeds ? loadFeedsFile(values.feeds) : undefined;
  // The data directory next: when it cannot be opened (a file in the way, another process
  // holding it) nothing else has started, and the process can exit at once.
  const { aws, dir } = await openDataDir(values.data, false);
  let server: FeedServer | undefined;
  try {
    let feeds = fileFeeds;
    if (!feeds) {
      server = await startFeedServer({ root: DEMO_DIR, dynamic: DEMO_DYNAMIC });
      feeds = loadFeedsFile(`${DEMO_DIR}feeds.json`, server.baseUrl);
    }
    io.stderr.write(`wbnews run: ${feeds.length} feed(s)${server ? ` (demo feeds on ${server.baseUrl})` : ''}, data in ${dir}\n`);
    const result = await runCycle({
      aws,
      feeds,
      fetchOptions,
      // The demo serves everything from 127.0.0.1; a feeds file gets loopback pages only on request.
      allowLoopback: server !== undefined || values['allow-loopback'],
      force: values.force,
      onOutcome: (outcome) => {
        io.stderr.write(`${progressLine(outcome)}\n`);
        if (json) writeJson(io, { type: 'feed', ...outcome });
      },
    });
    for (const s of result.skipped) {
      io.stderr.write(`${skippedLine(s)}\n`);
      if (json) writeJson(io, { type: 'skipped', ...s });
    }
    io.stderr.write(`${summaryLine(result.summary)}\n`);
    if (result.skipped.length > 0) io.stderr.write('(feeds in back-off are skipped until due; --force fetches them now)\n');
    if (json) writeJson(io, { type: 'summary', ...result.summary });
    return result.summary.retriedRecords > 0 ? 1 : 0;
  } finally {
    await server?.close();
    await aws.close();
  }
}

/**
 * `--timeout-ms N`: the total fetch time per feed, within the bounds of FETCH_TIMEOUT_MS. Out of
 * range, every feed would fail (and be put in back-off) or Node would overflow its timer, so it
 * is a usage error. The connect timeout shrinks with it.
 */
function timeoutOption(raw: string | undefined): Partial<FetchOptions> {
  if (raw === undefined) return {};
  const { min, max } = FETCH_TIMEOUT_RANGE;
  const value = Number(raw);
  if (!/^\s*\d+\s*$/.test(raw) || value < min || value > max) {
    throw new UsageError(`--timeout-ms must be a whole number of milliseconds from ${min} to ${max} (got ${JSON.stringify(raw)})`);
  }
  return { timeoutMs: value, connectTimeoutMs: Math.min(DEFAULT_FETCH_OPTIONS.connectTimeoutMs, value) };
}

export function progressLine(o: FeedOutcome): string {
  const head = `  ${o.feedId.padEnd(28)} ${o.outcome.padEnd(10)}`;
  const moved = o.movedTo ? `; moved permanently to ${o.movedTo}` : '';
  if (o.outcome === 'failed') return `${head}  error ${o.error?.code ?? 'unknown'}: ${o.error?.message ?? ''}${o.nextDueAt ? `; next try ${o.nextDueAt}` : ''}`;
  if (o.outcome === 'unchanged') return `${head}  not modified since last run (${o.durationMs} ms)${moved}`;
  return `${head}  ${String(o.format ?? '').padEnd(6)} items ${o.itemsSeen}, relevant ${o.relevant}, stored ${o.stored}${changes(o)}, already known ${o.known} (${o.durationMs} ms)${moved}`;
}

export function skippedLine(s: SkippedFeed): string {
  const failing = s.consecutiveFailures ? `; failed ${s.consecutiveFailures} time(s) in a row${s.lastError ? `, last error ${s.lastError}` : ''}` : '';
  return `  ${s.feedId.padEnd(28)} ${'skipped'.padEnd(10)}  in back-off until ${s.nextDueAt}${failing}`;
}

export function summaryLine(s: CycleSummary): string {
  return (
    `summary: feeds fetched ${s.fetched} / unchanged ${s.unchanged} / failed ${s.failed}` +
    `${s.skipped ? ` / skipped ${s.skipped}` : ''}; items seen ${s.itemsSeen}, relevant ${s.relevant}, ` +
    `stored ${s.stored}${changes(s)}, already known ${s.known}`
  );
}

/** Duplicates linked and revisions stored, shown only when there are any. */
function changes(c: { readonly duplicates: number; readonly updated: number }): string {
  return `${c.duplicates ? `, duplicates ${c.duplicates}` : ''}${c.updated ? `, updated ${c.updated}` : ''}`;
}
