import Parser from 'rss-parser';
import { FeedParseError, NotAFeedError, type ErrorContext } from './errors';
import type { FeedFormat, ParsedFeed, RawItem } from './model';

/**
 * Parse feed text (already decoded, see decode.ts) with rss-parser into the shared model.
 * RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom are recognised; anything else is a NotAFeedError naming
 * the root element, and XML that does not parse is a FeedParseError.
 *
 * @example const feed = await parseFeedText(decoded.text, { feedId: 'n1' });
 */

type Loose = Record<string, unknown>;

const ITEM_FIELDS = [
  ['category', 'rawCategories', { keepArray: true }],
  ['media:content', 'mediaContent', { keepArray: true }],
  ['media:thumbnail', 'mediaThumbnail', { keepArray: true }],
  ['dc:subject', 'dcSubject', { keepArray: true }],
  ['author', 'rawAuthors', { keepArray: true }],
  ['published', 'published'],
  ['updated', 'updated'],
  ['issued', 'issued'],
  ['modified', 'modified'],
  ['description', 'description'],
];

/** Text of an xml2js node: a string, `{_: text}`, or nothing. */
function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const inner = (value as Loose)['_'];
    if (typeof inner === 'string') return inner;
  }
  return undefined;
}

function attrOf(value: unknown, name: string): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const attrs = (value as Loose)['$'];
  if (!attrs || typeof attrs !== 'object') return undefined;
  const v = (attrs as Loose)[name];
  return typeof v === 'string' ? v : undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}

function asArray(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

function authorsOf(item: Loose): string[] {
  const names = new Set<string>();
  const add = (v: string | undefined): void => {
    const name = nonEmpty(v);
    if (name) names.add(name);
  };
  add(textOf(item['creator']));
  for (const a of asArray(item['rawAuthors'])) {
    if (a && typeof a === 'object' && 'name' in (a as Loose)) add(textOf(asArray((a as Loose)['name'])[0]));
    else add(textOf(a));
  }
  return [...names];
}

function categoriesOf(item: Loose): string[] {
  const out = new Set<string>();
  for (const c of [...asArray(item['rawCategories']), ...asArray(item['dcSubject'])]) {
    const v = nonEmpty(textOf(c) ?? attrOf(c, 'term') ?? attrOf(c, 'label'));
    if (v) out.add(v);
  }
  return [...out];
}

function imageOf(item: Loose): string | undefined {
  const enclosure = item['enclosure'] as Loose | undefined;
  const encUrl = typeof enclosure?.['url'] === 'string' ? enclosure['url'] : undefined;
  const encType = typeof enclosure?.['type'] === 'string' ? enclosure['type'] : '';
  if (encUrl && (encType.startsWith('image/') || /\.(jpe?g|png|gif|webp)(\?|$)/i.test(encUrl))) return encUrl;
  for (const m of [...asArray(item['mediaContent']), ...asArray(item['mediaThumbnail'])]) {
    const url = attrOf(m, 'url');
    const medium = attrOf(m, 'medium') ?? attrOf(m, 'type') ?? 'image';
    if (url && /image/.test(medium)) return url;
  }
  return undefined;
}

function toRawItem(item: Loose, format: FeedFormat): RawItem {
  const contentEncoded = textOf(item['content:encoded']);
  const description = textOf(item['description']);
  const atomContent = format === 'atom' ? textOf(item['content']) : undefined;
  const atomSummary = format === 'atom' ? textOf(item['summary']) : undefined;
  const published =
    textOf(item['pubDate']) ??
    textOf(item['published']) ??
    textOf(item['issued']) ??
    textOf(item['date']) ??
    textOf(item['updated']) ??
    textOf(item['modified']);
  return {
    title: nonEmpty(textOf(item['title'])),
    link: nonEmpty(textOf(item['link'])) ?? nonEmpty(textOf(item['rdf:about'])),
    guid: nonEmpty(textOf(item['guid']) ?? textOf(item['id'])),
    published: nonEmpty(published),
    contentHtml: nonEmpty(contentEncoded ?? atomContent),
    summaryHtml: nonEmpty(format === 'atom' ? atomSummary : description),
    authors: authorsOf(item),
    categories: categoriesOf(item),
    language: nonEmpty(textOf(item['language'])),
    image: imageOf(item),
  };
}

function formatOf(text: string): FeedFormat | undefined {
  const root = rootElement(text);
  if (root === 'feed') return 'atom';
  if (root === 'rdf:RDF') return 'rss1';
  if (root === 'rss') {
    const version = /<rss\b[^>]*\bversion\s*=\s*["']([^"']*)["']/.exec(text)?.[1] ?? '';
    return version.startsWith('0.9') ? 'rss0.9' : 'rss2';
  }
  return undefined;
}

/** Name of the first element, skipping the declaration, comments, PIs and the DOCTYPE. */
export function rootElement(text: string): string | undefined {
  const re = /<(!--[\s\S]*?--|\?[\s\S]*?\?|![A-Za-z][^>]*|[A-Za-z_][\w:.-]*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const tag = m[1] ?? '';
    if (tag.startsWith('!') || tag.startsWith('?')) continue;
    return tag;
  }
  return undefined;
}

export async function parseFeedText(text: string, context: ErrorContext = {}): Promise<ParsedFeed> {
  const xml = text.replace(/^[\uFEFF\s]+/, '');
  const format = formatOf(xml);
  if (!format) {
    const root = rootElement(xml);
    throw new NotAFeedError(
      root ? `not a feed: root element <${root}>` : 'not a feed: no XML element found',
      { ...context, value: root ?? xml.slice(0, 40) },
    );
  }
  const parser = new Parser<Loose, Loose>({
    customFields: { item: ITEM_FIELDS as never },
    defaultRSS: 2,
    xml2js: { strict: true },
  });
  let output: Parser.Output<Loose> & Loose;
  try {
    output = (await parser.parseString(xml)) as Parser.Output<Loose> & Loose;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message.split('\n')[0] ?? '' : String(cause);
    throw new FeedParseError(`malformed XML: ${message}`, { ...context, value: message }, { cause });
  }
  return {
    format,
    title: nonEmpty(textOf(output.title)),
    link: nonEmpty(textOf(output.link)),
    language: nonEmpty(textOf(output['language'])),
    items: (output.items ?? []).map((item) => toRawItem(item as Loose, format)),
  };
}
