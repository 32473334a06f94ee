import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeHTML } from 'entities';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeFeedBytes, resolveCharset, utf8Status, type Decoded } from '../../functions/core/decode';
import { WbnewsError } from '../../functions/core/errors';
import type { ParsedFeed } from '../../functions/core/model';
import { parseFeedText } from '../../functions/core/parse';
import { normalizeFeed } from '../../functions/core/pipeline';
import { corporaDir } from './corpora';

/**
 * Every file of peer-feeds/ (feed test files from eight parsers' suites, read in place) through
 * decode → parse → normalize. Each must parse or fail with a typed error; none may crash, hang
 * or leave an unhandled rejection. Where a file states the text it must decode to (feedparser's
 * encoding cases, and the quoted strings of the encoding cases' upstream tests), the text is
 * compared. Counts are printed; the well-formed RSS/Atom/RDF inputs must parse at ≥ 99%.
 */

interface Entry {
  readonly path: string;
  readonly project: string;
  readonly kind: string;
  readonly format: string;
  readonly role: string;
  readonly expect?: string;
  readonly upstream_test?: string;
  readonly http_headers?: readonly string[];
  readonly declared_encoding?: string;
  readonly strict_ok?: boolean;
}

interface Result {
  readonly entry: Entry;
  readonly ms: number;
  readonly decoded?: Decoded;
  readonly parsed?: ParsedFeed;
  readonly articles?: number;
  /** The first normalized article's text fields (what is stored). */
  readonly first?: { readonly title: string; readonly summary: string; readonly content: string };
  readonly error?: { readonly code: string; readonly message: string };
  /** Anything thrown that is not a typed pipeline error. */
  readonly crash?: string;
}

/** Files the pipeline decodes differently from what they state, each with the reason. Kept exact by a test. */
const KNOWN_MISDECODES: Record<string, string> = {
  'feedparser/encoding/bozo_linenoise.xml':
    "declared UTF-8, holds two UTF-8 quotes and one stray byte; feedparser's expectation is its own windows-1252 mojibake of them, which no reading should reproduce",
  'feedparser/illformed/chardet/windows1255.xml':
    'undeclared Hebrew in windows-1255: charset detection reads it as Cyrillic windows-1251, which it prefers for the Western Balkans (both decode every byte to a letter)',
};

const HANG_MS = 10_000;
const TARGET_KINDS = new Set(['wellformed', 'sanitize', 'dates']);
const FEED_FORMATS = new Set(['rss2', 'atom', 'rss1']);
const isTarget = (e: Entry): boolean => e.role === 'input' && TARGET_KINDS.has(e.kind) && e.strict_ok === true && FEED_FORMATS.has(e.format);
const ITEM_ELEMENT = /<(?:[\w.-]+:)?(?:item|entry)[\s>/]/;

/** The file holds at least one <item> or <entry> (any prefix), in its decoded text or, failing that, its bytes. */
function hasItems(r: Result): boolean {
  return ITEM_ELEMENT.test(r.decoded?.text ?? readFileSync(join(root, r.entry.path)).toString('latin1'));
}

/** Parsed into at least one normalized item. */
const intoItems = (r: Result): boolean => !r.error && !r.crash && (r.articles ?? 0) > 0;

function header(entry: Entry, name: string): string | undefined {
  for (const line of entry.http_headers ?? []) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m && m[1]?.trim().toLowerCase() === name) return m[2]?.trim();
  }
  return undefined;
}

async function run(root: string, entry: Entry): Promise<Result> {
  const started = performance.now();
  const bytes = readFileSync(join(root, entry.path));
  const context = { feedId: entry.path, url: header(entry, 'content-location') ?? `http://127.0.0.1:8097/${entry.path}` };
  let decoded: Decoded | undefined;
  let parsed: ParsedFeed | undefined;
  try {
    decoded = decodeFeedBytes(bytes, header(entry, 'content-type'), context);
    parsed = await parseFeedText(decoded.text, context);
    const articles = normalizeFeed(parsed, { feed: { id: 'corpus', url: context.url }, feedUrl: context.url, fetchedAt: '2026-11-29T00:00:00.000Z' });
    const [head] = articles;
    const first = head ? { title: head.title, summary: head.summary, content: head.content } : undefined;
    return { entry, ms: performance.now() - started, decoded, parsed, articles: articles.length, ...(first ? { first } : {}) };
  } catch (error) {
    const ms = performance.now() - started;
    if (error instanceof WbnewsError) return { entry, ms, decoded, parsed, error: error.toJSON() };
    return { entry, ms, decoded, crash: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
}

// ---------------------------------------------------------------------------------------------
// Stated expectations

/** A Python string literal ('...', "...", """...""", u'...') to its text. */
function pyString(literal: string): string | undefined {
  const m = /^u?('''|"""|'|")([\s\S]*)\1$/.exec(literal.trim());
  if (!m) return undefined;
  return (m[2] ?? '').replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[ntr\\'"])/g, (_, e: string) =>
    /^[xuU]/.test(e) ? String.fromCodePoint(parseInt(e.slice(1), 16)) : ({ n: '\n', t: '\t', r: '\r' } as Record<string, string>)[e] ?? e,
  );
}

interface Expectation {
  readonly what: string;
  readonly check: (r: Result) => boolean;
}

const FIELD = /^(feed|entries\[0\])(?:\[['"](\w+)['"]\]|\.(\w+))\s*==\s*(.+)$/;

/** What the text must decode to, from feedparser's Expect clauses and the upstream tests' quoted strings. */
function expectationsOf(entry: Entry): Expectation[] {
  const out: Expectation[] = [];
  if (entry.kind !== 'encoding' || entry.role !== 'input') return out;
  const same = (a: string | undefined, b: string): boolean => decodeHTML(a ?? '').trim() === decodeHTML(b).trim();
  for (const clause of (entry.project === 'feedparser' ? entry.expect ?? '' : '').split(/\s+and\s+/)) {
    const encoding = /^encoding\s*==\s*(.+)$/.exec(clause.trim());
    if (encoding) {
      const label = pyString(encoding[1] ?? '') ?? '';
      out.push({ what: `decodes as ${label}`, check: (r) => r.decoded !== undefined && r.decoded.text === referenceDecode(r.entry, label) });
      continue;
    }
    const ord = /^ord\(entries\[0\]\[['"](\w+)['"]\]\)\s*==\s*(\d+)$/.exec(clause.trim());
    if (ord) {
      const cp = Number(ord[2]);
      const want = String.fromCodePoint(cp);
      out.push({
        what: `entries[0].${ord[1]} is U+${cp.toString(16)}`,
        check: (r) => decodeHTML(entryField(r.parsed, ord[1] ?? '') ?? '').trim() === want || r.first?.content === want,
      });
      continue;
    }
    const field = FIELD.exec(clause.trim());
    const expected = field ? pyString(field[4] ?? '') : undefined;
    if (field && expected !== undefined) {
      const name = field[2] ?? field[3] ?? '';
      const scope = field[1];
      out.push({
        what: `${scope}.${name} == ${JSON.stringify(expected)}`,
        // The raw field as parsed, or the stored text (after HTML to text and mojibake repair).
        check: (r) =>
          same(scope === 'feed' ? (name === 'title' ? r.parsed?.title : undefined) : entryField(r.parsed, name), expected) ||
          (scope !== 'feed' && [r.first?.title, r.first?.content].includes(expected.trim())),
      });
    }
  }
  for (const quoted of (entry.upstream_test ?? '').match(/'[^']+'/g) ?? []) {
    const text = quoted.slice(1, -1);
    if ([...text].some((c) => c.charCodeAt(0) > 0x7f)) out.push({ what: `contains ${JSON.stringify(text)}`, check: (r) => (r.decoded?.text ?? '').normalize('NFC').includes(text.normalize('NFC')) });
  }
  return out;
}

function entryField(parsed: ParsedFeed | undefined, name: string): string | undefined {
  const item = parsed?.items[0];
  if (!item) return undefined;
  if (name === 'title') return item.title;
  return item.summaryHtml ?? item.contentHtml;
}

/**
 * The text the bytes hold in `label`, decoded independently of decode.ts: TextDecoder for what
 * it knows (UTF-32, which it lacks, by hand). Undefined when Node cannot decode the label.
 */
function referenceDecode(entry: Entry, label: string): string | undefined {
  const bytes = readFileSync(join(corporaDir(), 'peer-feeds', entry.path));
  const name = label.toLowerCase();
  if (name.startsWith('utf-32') || name === 'ucs-4') {
    const le = name.endsWith('le') || (bytes[0] === 0xff && bytes[1] === 0xfe);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length - (bytes.length % 4));
    let text = '';
    for (let i = 0; i < view.byteLength; i += 4) text += String.fromCodePoint(view.getUint32(i, le));
    return text.replace(/^\uFEFF/, '');
  }
  try {
    const decoder = new TextDecoder(name);
    // Node's windows-1252 decoder is wrong for 0x80-0x9F (nodejs/node#56542): no reference there.
    if (decoder.encoding === 'windows-1252' && bytes.some((b) => b >= 0x80 && b <= 0x9f)) return undefined;
    const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    return decoder.decode(bytes.subarray(start));
  } catch {
    return undefined;
  }
}

/** True when the bytes are valid UTF-8 (so an unknown label on them can be ignored). */
function recoverable(entry: Entry): boolean {
  const status = utf8Status(readFileSync(join(corporaDir(), 'peer-feeds', entry.path)));
  return status === 'ascii' || status === 'valid';
}

/** The label Node cannot decode that a file declares, if any (these must fail as bad_charset). */
function undecodableLabel(entry: Entry): string | undefined {
  const label = entry.declared_encoding;
  if (label && resolveCharset(label) === undefined) return label;
  if (entry.path.includes('ebcdic') || /(cp|ibm|csibm)(037|039|500|875|1140)\.xml$/.test(entry.path)) return label ?? 'EBCDIC';
  return undefined;
}

// ---------------------------------------------------------------------------------------------

const out = (line = ''): void => void process.stdout.write(`${line}\n`);
let root: string;
let manifest: Entry[];
const results: Result[] = [];
const unhandled: unknown[] = [];

beforeAll(async () => {
  root = join(corporaDir(), 'peer-feeds');
  manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8')) as Entry[];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
  process.on('unhandledRejection', onUnhandled);
  const started = performance.now();
  for (const entry of manifest) results.push(await run(root, entry));
  // Give any stray promise a turn to reject before the listener goes.
  await new Promise((resolve) => setTimeout(resolve, 50));
  process.off('unhandledRejection', onUnhandled);
  report(performance.now() - started);
});

function report(totalMs: number): void {
  const parsed = results.filter((r) => r.parsed && !r.error && !r.crash);
  const errors = results.filter((r) => r.error);
  const byCode = count(errors.map((r) => r.error?.code ?? ''));
  const byFormat = new Map<string, { parsed: number; errors: number }>();
  for (const r of results) {
    const row = byFormat.get(r.entry.format) ?? { parsed: 0, errors: 0 };
    if (r.error || r.crash) row.errors++;
    else row.parsed++;
    byFormat.set(r.entry.format, row);
  }
  const target = results.filter((r) => isTarget(r.entry));
  const targetParsed = target.filter((r) => !r.error && !r.crash);
  const slowest = [...results].sort((a, b) => b.ms - a.ms)[0];
  out();
  out(`peer-feeds: ${results.length} files in ${(totalMs / 1000).toFixed(1)} s (slowest ${slowest?.ms.toFixed(0)} ms: ${slowest?.entry.path})`);
  out(`  parsed ${parsed.length} (with at least one item: ${parsed.filter((r) => (r.parsed?.items.length ?? 0) > 0).length}; after XML repairs: ${parsed.filter((r) => r.parsed?.recovered).length})`);
  out(`  typed errors ${errors.length}: ${[...byCode].map(([c, n]) => `${c} ${n}`).join(', ')}`);
  out(`  crashes ${results.filter((r) => r.crash).length}, unhandled rejections ${unhandled.length}`);
  out(`  by format: ${[...byFormat].map(([f, v]) => `${f} ${v.parsed} parsed / ${v.errors} errors`).join('; ')}`);
  const rate = (100 * targetParsed.length) / Math.max(1, target.length);
  out(`  well-formed RSS/Atom/RDF (wellformed, sanitize, dates; strict_ok): ${targetParsed.length} of ${target.length} parse = ${rate.toFixed(2)}%`);
  const withItems = target.filter(hasItems);
  const itemsRate = (100 * withItems.filter(intoItems).length) / Math.max(1, withItems.length);
  out(`    of them with <item>/<entry>: ${withItems.filter(intoItems).length} of ${withItems.length} parse into items = ${itemsRate.toFixed(2)}% (target ≥ 99%)`);
  for (const r of withItems.filter((x) => !intoItems(x))) out(`      no items: ${r.entry.path}: ${r.error?.message ?? r.crash ?? `${r.articles ?? 0} items`}`);
  const withLabel = results.filter((r) => undecodableLabel(r.entry));
  const labels = (rs: Result[]): string[] => [...new Set(rs.map((r) => undecodableLabel(r.entry) ?? ''))].sort();
  const refused = labels(withLabel.filter((r) => !recoverable(r.entry)));
  out(`  known exceptions, encodings Node cannot decode (typed bad_charset): ${refused.length}: ${refused.join(', ')}`);
  out(`  unknown labels on valid UTF-8, decoded as UTF-8: ${labels(withLabel.filter((r) => recoverable(r.entry))).join(', ')}`);
  const stated = results.filter((r) => !undecodableLabel(r.entry)).flatMap((r) => expectationsOf(r.entry).map((e) => e.check(r)));
  out(`  stated decoded texts checked: ${stated.length}, right: ${stated.filter(Boolean).length}`);
  for (const [path, why] of Object.entries(KNOWN_MISDECODES)) out(`  known exception, misdecoded: ${path}: ${why}`);
  out();
}

function count(values: string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const v of values) map.set(v, (map.get(v) ?? 0) + 1);
  return new Map([...map].sort((a, b) => b[1] - a[1]));
}

describe('peer-feeds corpus, read in place', () => {
  it('the manifest lists the 5,285 data files and every one is there', () => {
    expect(manifest).toHaveLength(5285);
    expect(manifest.filter((e) => !existsSync(join(root, e.path))).map((e) => e.path)).toEqual([]);
    expect(results).toHaveLength(5285);
  });

  it('every file parses or fails with a typed error: no crash, no hang, no unhandled rejection', () => {
    expect(results.filter((r) => r.crash).map((r) => `${r.entry.path}: ${r.crash}`)).toEqual([]);
    expect(results.filter((r) => r.ms > HANG_MS).map((r) => `${r.entry.path}: ${r.ms.toFixed(0)} ms`)).toEqual([]);
    expect(unhandled).toEqual([]);
    for (const r of results.filter((x) => x.error)) {
      expect(r.error?.message, r.entry.path).toMatch(/^feed "/); // names the file as the feed
    }
  });

  it('at least 99% of the well-formed RSS/Atom/RDF inputs that hold an <item> or <entry> parse into items (plain rss-parser: 95.5%)', () => {
    const target = results.filter((r) => isTarget(r.entry) && hasItems(r));
    expect(target.length).toBeGreaterThan(2500);
    const failed = target.filter((r) => !intoItems(r));
    const why = failed.map((r) => `${r.entry.path}: ${r.error?.message ?? r.crash ?? `${r.articles ?? 0} items`}`).join('\n');
    expect(failed.length / target.length, why).toBeLessThanOrEqual(0.01);
  });

  it('at least 99% of all the well-formed RSS/Atom/RDF inputs, with items or without, parse as a feed', () => {
    const target = results.filter((r) => isTarget(r.entry));
    expect(target.length).toBeGreaterThan(3900);
    const failed = target.filter((r) => r.error || r.crash);
    expect(failed.length / target.length, failed.map((r) => `${r.entry.path}: ${r.error?.message}`).join('\n')).toBeLessThanOrEqual(0.01);
  });

  it('decodes every stated text right, except the listed known exceptions', () => {
    const wrong: string[] = [];
    const misdecoded = new Set<string>();
    let checked = 0;
    for (const r of results) {
      const label = undecodableLabel(r.entry);
      if (label && recoverable(r.entry)) {
        // An unknown label on bytes that are valid UTF-8 is ignored (decode.ts): never garbage.
        expect(r.decoded, r.entry.path).toMatchObject({ charset: 'utf-8', declared: label });
        continue;
      }
      if (label) {
        expect(r.error?.code, `${r.entry.path} declares ${label}, which Node cannot decode`).toBe('bad_charset');
        continue;
      }
      for (const e of expectationsOf(r.entry)) {
        checked++;
        if (e.check(r)) continue;
        misdecoded.add(r.entry.path);
        if (!(r.entry.path in KNOWN_MISDECODES)) wrong.push(`${r.entry.path}: ${e.what} (got ${JSON.stringify(r.parsed?.title ?? r.error ?? r.decoded?.text.slice(0, 200))})`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(wrong).toEqual([]);
    expect([...misdecoded].sort()).toEqual(Object.keys(KNOWN_MISDECODES).sort());
  });
});
