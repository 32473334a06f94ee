import Parser from 'rss-parser';
import { parseFeedDate } from './dates';
import { fixC1Controls } from './decode';
import { FeedParseError, NotAFeedError, type ErrorContext } from './errors';
import type { FeedFormat, ParsedFeed, RawItem } from './model';
import { escapeInlineMarkup, repairXmlText } from './xml-repair';

/**
 * Parse feed text (already decoded, see decode.ts) with rss-parser into the shared model.
 * RSS 0.9x/2.0, RSS 1.0 (RDF) and Atom 0.3/1.0 (feeds and single-entry documents) are
 * recognised; anything else is a NotAFeedError naming the root element, and XML that does not
 * parse even after the repairs of xml-repair.ts is a FeedParseError with the parser's message.
 *
 * rss-parser 3.13 maps xml2js's tree to items, and trips over shapes real feeds have: an Atom
 * date it cannot read ('Invalid time value'), a <link> without attributes, an <rss> without a
 * <channel>, a namespace prefix on the root, an empty <entry>. It parses through the parser's
 * `xmlParser` (an xml2js Parser), so that is where the tree is put right before rss-parser
 * sees it (repairTree): one parse, the mapping stays rss-parser's, and our fields come through
 * its customFields. Dates are read by dates.ts, never by rss-parser; xml:base and xml:lang,
 * which rss-parser drops, are resolved on the tree.
 *
 * @example const feed = await parseFeedText(decoded.text, { feedId: 'n1', url: 'https://n1.example/feed' });
 */

type Loose = Record<string, unknown>;
type Node = Loose;

const NS = {
  atom10: 'http://www.w3.org/2005/Atom',
  atom03: 'http://purl.org/atom/ns#',
  rss10: 'http://purl.org/rss/1.0/',
  rss090: 'http://my.netscape.com/rdf/simple/0.9/',
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  rss2: ['http://backend.userland.com/rss2', 'http://blogs.law.harvard.edu/tech/rss'],
} as const;

// Keys the repaired tree carries for us (rss-parser copies them through customFields).
const K = {
  base: 'wb:base',
  lang: 'wb:lang',
  published: 'wb:published',
  updated: 'wb:updated',
} as const;

const ITEM_FIELDS: Array<[string, string, { keepArray: boolean }?]> = [
  ['category', 'rawCategories', { keepArray: true }],
  ['dc:subject', 'dcSubject', { keepArray: true }],
  ['media:content', 'mediaContent', { keepArray: true }],
  ['media:thumbnail', 'mediaThumbnail', { keepArray: true }],
  ['media:group', 'mediaGroup', { keepArray: true }],
  ['itunes:image', 'itunesImage', { keepArray: true }],
  ['enclosure', 'rawEnclosures', { keepArray: true }],
  ['author', 'rawAuthors', { keepArray: true }],
  ['dc:creator', 'rawCreators', { keepArray: true }],
  ['itunes:author', 'itunesAuthor', { keepArray: true }],
  ['media:title', 'mediaTitle', { keepArray: true }],
  ['link', 'rawLinks', { keepArray: true }],
  ['feedburner:origLink', 'origLink'],
  ['guid', 'rawGuid', { keepArray: true }],
  ['id', 'rawId', { keepArray: true }],
  ['description', 'rawDescription', { keepArray: true }],
  ['summary', 'rawSummary', { keepArray: true }],
  ['content', 'rawContent', { keepArray: true }],
  ['xhtml:body', 'xhtmlBody', { keepArray: true }],
  ['title', 'rawTitle', { keepArray: true }],
  ['pubDate', 'rawPubDate'],
  [K.published, 'published'],
  [K.updated, 'updated'],
  ['issued', 'issued'],
  ['created', 'created'],
  ['modified', 'modified'],
  ['dc:date', 'dcDate'],
  ['dcterms:issued', 'dctermsIssued'],
  ['dcterms:created', 'dctermsCreated'],
  ['dcterms:modified', 'dctermsModified'],
  ['atom:published', 'atomPublished'],
  ['atom:updated', 'atomUpdated'],
  ['dc:language', 'dcLanguage'],
  [K.base, 'base'],
  [K.lang, 'lang'],
];

const FEED_FIELDS: Array<string | [string, string, { keepArray: boolean }]> = [K.base, K.lang, 'dc:language', ['title', 'rawTitle', { keepArray: true }]];

// ---------------------------------------------------------------------------------------------
// Small readers over xml2js values: a string, {_: text, $: attrs}, or an array of those.

function textOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return textOf(value[0]);
  if (value && typeof value === 'object') {
    const inner = (value as Loose)['_'];
    if (typeof inner === 'string') return inner;
  }
  return undefined;
}

function attrOf(value: unknown, name: string): string | undefined {
  if (Array.isArray(value)) return attrOf(value[0], name);
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

const isObject = (value: unknown): value is Node => !!value && typeof value === 'object' && !Array.isArray(value);

// ---------------------------------------------------------------------------------------------
// Tree repair

/** Resolve `href` against `base`; the input when it cannot be resolved. */
function resolve(href: string, base: string | undefined): string {
  if (!base) return href;
  try {
    return new URL(href.trim(), base).toString();
  } catch {
    return href;
  }
}

function xmlBase(node: unknown, parent: string | undefined): string | undefined {
  const own = attrOf(node, 'xml:base');
  return own === undefined ? parent : resolve(own, parent);
}

/** Rename element keys `prefix:name` to `name` for the given prefixes, everywhere below `node`. */
function stripPrefixes(node: unknown, prefixes: ReadonlySet<string>, depth = 0): unknown {
  if (depth > 64) return node;
  if (Array.isArray(node)) return node.map((n) => stripPrefixes(n, prefixes, depth + 1));
  if (!isObject(node)) return node;
  const out: Node = {};
  for (const [key, value] of Object.entries(node)) {
    const colon = key.indexOf(':');
    const renamed = key !== '$' && colon > 0 && prefixes.has(key.slice(0, colon)) ? key.slice(colon + 1) : key;
    const next = key === '$' || key === '_' ? value : stripPrefixes(value, prefixes, depth + 1);
    const existing = out[renamed];
    out[renamed] = existing === undefined ? next : [...asArray(existing), ...asArray(next)];
  }
  return out;
}

function namespaces(root: Node): Map<string, string> {
  const map = new Map<string, string>();
  const attrs = root['$'];
  if (!isObject(attrs)) return map;
  for (const [name, value] of Object.entries(attrs)) {
    if (typeof value !== 'string') continue;
    if (name === 'xmlns') map.set('', value);
    else if (name.startsWith('xmlns:')) map.set(name.slice(6), value);
  }
  return map;
}

function prefixesFor(ns: Map<string, string>, uris: readonly string[], rootPrefix: string): Set<string> {
  const out = new Set<string>();
  for (const [prefix, uri] of ns) if (prefix && uris.includes(uri)) out.add(prefix);
  if (rootPrefix && !out.has(rootPrefix) && ns.get(rootPrefix) === undefined) out.add(rootPrefix);
  if (rootPrefix && uris.includes(ns.get(rootPrefix) ?? '')) out.add(rootPrefix);
  return out;
}

/** Every element of `list` made an object (xml2js gives '' or text for empty elements). */
function objects(list: unknown): Node[] {
  return asArray(list).map((n) => (isObject(n) ? n : typeof n === 'string' && n.trim() ? { _: n } : {}));
}

function setLangAndBase(node: Node, lang: string | undefined, base: string | undefined, inScope: boolean): void {
  if (lang) node[K.lang] = [lang];
  if (base && inScope) node[K.base] = [base];
}

/** Atom links: text-only links become href links, links without attributes get an empty set. */
function repairAtomLinks(node: Node, base: string | undefined, inScope: boolean): void {
  if (node['link'] === undefined) return;
  node['link'] = asArray(node['link']).map((link) => {
    if (!isObject(link)) return { $: typeof link === 'string' && link.trim() ? { href: link.trim() } : {} };
    const attrs = isObject(link['$']) ? { ...link['$'] } : {};
    if (attrs['href'] === undefined && typeof link['_'] === 'string' && link['_'].trim()) attrs['href'] = link['_'].trim();
    const linkBase = xmlBase(link, base);
    const scoped = inScope || attrOf(link, 'xml:base') !== undefined;
    if (typeof attrs['href'] === 'string' && scoped) attrs['href'] = resolve(attrs['href'], linkBase);
    return { ...link, $: attrs };
  });
}

function repairAtom(root: Node, docBase: string | undefined): Node {
  const feedBase = xmlBase(root, docBase);
  const feedScoped = attrOf(root, 'xml:base') !== undefined;
  const feedLang = attrOf(root, 'xml:lang');
  const feed: Node = { ...root };
  setLangAndBase(feed, feedLang, feedBase, feedScoped);
  repairAtomLinks(feed, feedBase, feedScoped);
  feed['entry'] = objects(root['entry']).map((original) => {
    const entry: Node = { ...original };
    const base = xmlBase(entry, feedBase);
    const scoped = feedScoped || attrOf(entry, 'xml:base') !== undefined;
    setLangAndBase(entry, attrOf(entry, 'xml:lang') ?? feedLang, base, scoped);
    repairAtomLinks(entry, base, scoped);
    // rss-parser turns these into ISO strings with `new Date(...).toISOString()`, which throws on
    // a date it cannot read; dates.ts reads them instead.
    if (entry['published'] !== undefined) entry[K.published] = entry['published'];
    if (entry['updated'] !== undefined) entry[K.updated] = entry['updated'];
    delete entry['published'];
    delete entry['updated'];
    return entry;
  });
  return feed;
}

function repairRssItems(items: Node[], channelBase: string | undefined, scopedAbove: boolean, lang: string | undefined): Node[] {
  return items.map((original) => {
    const item: Node = { ...original };
    const base = xmlBase(item, channelBase);
    const scoped = scopedAbove || attrOf(item, 'xml:base') !== undefined;
    setLangAndBase(item, attrOf(item, 'xml:lang') ?? lang, base, scoped);
    if (scoped && item['link'] !== undefined) {
      item['link'] = asArray(item['link']).map((link) => {
        const text = textOf(link);
        return text && nonEmpty(text) ? resolve(text, xmlBase(link, base)) : link;
      });
    }
    // rss-parser reads `enclosure[0].$`; an enclosure with no attributes carries nothing.
    if (item['enclosure'] !== undefined) {
      const enclosures = asArray(item['enclosure']).filter((e) => isObject(e) && isObject(e['$']));
      if (enclosures.length) item['enclosure'] = enclosures;
      else delete item['enclosure'];
    }
    return item;
  });
}

function repairRss(root: Node, docBase: string | undefined): Node {
  const rss: Node = { ...root };
  const rssBase = xmlBase(root, docBase);
  const rssScoped = attrOf(root, 'xml:base') !== undefined;
  // Some RSS 0.9x documents put items straight under <rss>, or have no <channel> at all.
  const [first, ...others] = objects(root['channel']);
  const channel: Node = { ...(first ?? {}) };
  const strayItems = [...objects(root['item']), ...others.flatMap((c) => objects(c['item']))];
  delete rss['item'];
  const channelBase = xmlBase(channel, rssBase);
  const scoped = rssScoped || attrOf(channel, 'xml:base') !== undefined;
  const lang = attrOf(channel, 'xml:lang') ?? attrOf(root, 'xml:lang');
  setLangAndBase(channel, lang, channelBase, scoped);
  channel['item'] = repairRssItems([...objects(channel['item']), ...strayItems], channelBase, scoped, lang);
  rss['channel'] = [channel];
  return rss;
}

function repairRdf(root: Node, docBase: string | undefined): Node {
  const rdf: Node = { ...root };
  const base = xmlBase(root, docBase);
  const scoped = attrOf(root, 'xml:base') !== undefined;
  const [first] = objects(root['channel']);
  const channel: Node = { ...(first ?? {}) };
  const lang = attrOf(channel, 'xml:lang') ?? attrOf(root, 'xml:lang');
  setLangAndBase(channel, lang, base, scoped);
  const items = [...objects(root['item']), ...objects(channel['item'])];
  delete channel['item'];
  rdf['channel'] = [channel];
  rdf['item'] = repairRssItems(items, base, scoped, lang);
  return rdf;
}

interface Recognised {
  readonly format: FeedFormat;
  readonly tree: Loose;
}

/** Put an xml2js tree into the shape rss-parser maps without tripping (see the module comment). */
export function repairTree(tree: Loose, docBase: string | undefined): Recognised | undefined {
  const [rootKey] = Object.keys(tree);
  if (!rootKey) return undefined;
  const rootValue = tree[rootKey];
  const root: Node = isObject(rootValue) ? rootValue : {};
  const colon = rootKey.indexOf(':');
  const prefix = colon > 0 ? rootKey.slice(0, colon) : '';
  const local = rootKey.slice(colon + 1);
  const ns = namespaces(root);

  if (local === 'feed' || local === 'entry') {
    const own = prefixesFor(ns, [NS.atom10, NS.atom03], prefix);
    let node = (own.size ? stripPrefixes(root, own) : root) as Node;
    if (local === 'entry') node = { $: node['$'], entry: [node] };
    return { format: 'atom', tree: { feed: repairAtom(node, docBase) } };
  }
  if (local === 'RDF') {
    const own = prefixesFor(ns, [NS.rss10, NS.rss090], '');
    const node = (own.size ? stripPrefixes(root, own) : root) as Node;
    return { format: 'rss1', tree: { 'rdf:RDF': repairRdf(node, docBase) } };
  }
  if (local === 'rss') {
    const own = prefixesFor(ns, [...NS.rss2], prefix);
    const node = (own.size ? stripPrefixes(root, own) : root) as Node;
    const version = attrOf(node, 'version') ?? '';
    // rss-parser picks its RSS 2 mapping for a version starting with "2" and by defaultRSS when
    // there is none; RSS 0.9x maps the same way, so every <rss> takes the RSS 2 route.
    const repaired = repairRss(node, docBase);
    repaired['$'] = { ...(isObject(node['$']) ? node['$'] : {}), version: '2.0' };
    return { format: version.startsWith('0.9') ? 'rss0.9' : 'rss2', tree: { rss: repaired } };
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Items

function personName(value: unknown): string | undefined {
  if (isObject(value) && ('name' in value || 'email' in value)) {
    return nonEmpty(textOf(value['name'])) ?? nonEmpty(textOf(value['email']));
  }
  const text = nonEmpty(textOf(value));
  if (!text) return undefined;
  // RSS <author> is "email (Name)"; some feeds write "Name <email>".
  const inParens = /^\S+@\S+\s*\(([^)]+)\)$/.exec(text);
  if (inParens?.[1]) return nonEmpty(inParens[1]);
  const withAngle = /^(.+?)\s*<\S+@\S+>$/.exec(text);
  if (withAngle?.[1]) return nonEmpty(withAngle[1].replace(/^"|"$/g, ''));
  return text;
}

function authorsOf(item: Loose): string[] {
  const names = new Set<string>();
  for (const a of [...asArray(item['rawCreators']), ...asArray(item['rawAuthors']), ...asArray(item['itunesAuthor'])]) {
    const name = personName(a);
    if (name && !/^(unknown|noreply@\S+|admin)$/i.test(name)) names.add(name);
  }
  return [...names];
}

function categoriesOf(item: Loose): string[] {
  const out = new Set<string>();
  for (const c of [...asArray(item['rawCategories']), ...asArray(item['dcSubject'])]) {
    const v = nonEmpty(textOf(c) ?? attrOf(c, 'label') ?? attrOf(c, 'term'));
    if (v) out.add(v.replace(/\s+/g, ' '));
  }
  return [...out];
}

const IMAGE_EXT = /\.(jpe?g|png|gif|webp|avif)(\?|#|$)/i;

function imageOf(item: Loose, html: string | undefined, base: string | undefined): string | undefined {
  const candidates: Array<string | undefined> = [];
  for (const e of asArray(item['rawEnclosures'])) {
    const url = attrOf(e, 'url');
    const type = attrOf(e, 'type') ?? '';
    if (url && (type.startsWith('image/') || (!type && IMAGE_EXT.test(url)))) candidates.push(url);
  }
  const media = [
    ...asArray(item['mediaContent']),
    ...asArray(item['mediaGroup']).flatMap((g) => (isObject(g) ? asArray(g['media:content']) : [])),
  ];
  for (const m of media) {
    const url = attrOf(m, 'url');
    const kind = attrOf(m, 'medium') ?? attrOf(m, 'type') ?? '';
    if (url && (/image/.test(kind) || (!kind && IMAGE_EXT.test(url)))) candidates.push(url);
  }
  for (const t of [...asArray(item['mediaThumbnail']), ...asArray(item['mediaGroup']).flatMap((g) => (isObject(g) ? asArray(g['media:thumbnail']) : []))]) {
    candidates.push(attrOf(t, 'url'));
  }
  for (const link of asArray(item['rawLinks'])) {
    if (attrOf(link, 'rel') === 'enclosure' && (attrOf(link, 'type') ?? '').startsWith('image/')) candidates.push(attrOf(link, 'href'));
  }
  candidates.push(attrOf(item['itunesImage'], 'href'));
  if (html) candidates.push(/<img\b[^>]*?\ssrc\s*=\s*["']([^"']+)["']/i.exec(html)?.[1]);
  const found = candidates.map((c) => nonEmpty(c)).find((c) => c !== undefined);
  return found ? resolve(found, base) : undefined;
}

/** The Atom link to the article: rel="alternate" (or no rel), HTML preferred. */
function atomLink(links: unknown): string | undefined {
  const all = asArray(links).filter((l) => attrOf(l, 'href'));
  const alternates = all.filter((l) => (attrOf(l, 'rel') ?? 'alternate') === 'alternate');
  const html = alternates.find((l) => /html/.test(attrOf(l, 'type') ?? 'text/html'));
  return attrOf(html ?? alternates[0], 'href');
}

/** A media type whose Atom content is base64 (RFC 4287 4.1.3.3): not text/*, not XML. */
const isBinaryType = (type: string | undefined): boolean =>
  !!type && type.includes('/') && !/^text\/|[/+]xml$/i.test(type.trim());

/**
 * Text content of an Atom text construct or RSS element, C1 controls repaired; base64 content
 * (Atom 0.3 mode="base64", Atom 1.0 with a binary media type) decoded, but only when what it
 * decodes to is UTF-8 text (a title typed "application/custom" that reads "test" stays "test").
 */
function contentOf(value: unknown): string | undefined {
  const raw = textOf(value);
  if (raw === undefined) return undefined;
  const text = fixC1Controls(raw);
  if (attrOf(value, 'mode') === 'base64' || isBinaryType(attrOf(value, 'type'))) {
    try {
      const bytes = Uint8Array.from(atob(text.replace(/\s+/g, '')), (c) => c.charCodeAt(0));
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      return text; // not base64, or not text once decoded: keep what the feed wrote
    }
  }
  return text;
}

/** An Atom content element is text we can use unless it only points elsewhere or holds media. */
function usableAtomContent(value: unknown): boolean {
  if (attrOf(value, 'src') !== undefined && !nonEmpty(textOf(value))) return false;
  const type = (attrOf(value, 'type') ?? 'text').toLowerCase();
  return ['text', 'html', 'xhtml'].includes(type) || type.startsWith('text/') || type.includes('html') || type.includes('xml');
}

/** The first date candidate dates.ts can read, else the first one given. */
function dateOf(candidates: ReadonlyArray<string | undefined>): string | undefined {
  const present = candidates.map((c) => nonEmpty(c)).filter((c): c is string => c !== undefined);
  return present.find((c) => parseFeedDate(c) !== null) ?? present[0];
}

function toRawItem(item: Loose, format: FeedFormat): RawItem {
  const atom = format === 'atom';
  const base = nonEmpty(textOf(item['base']));
  const contentEncoded = contentOf(item['content:encoded']);
  const atomContent = atom && usableAtomContent(item['rawContent']) ? contentOf(item['rawContent']) : undefined;
  const contentHtml = nonEmpty(contentEncoded ?? contentOf(item['xhtmlBody']) ?? atomContent ?? (atom ? undefined : contentOf(item['rawContent'])));
  const summaryHtml = nonEmpty(atom ? contentOf(item['rawSummary']) : contentOf(item['rawDescription']) ?? contentOf(item['rawSummary']));
  const published = atom
    ? dateOf([textOf(item['published']), textOf(item['issued']), textOf(item['created']), textOf(item['updated']), textOf(item['modified'])])
    : dateOf([
        textOf(item['rawPubDate']), textOf(item['dcDate']), textOf(item['dctermsIssued']), textOf(item['atomPublished']),
        textOf(item['dctermsCreated']), textOf(item['dctermsModified']), textOf(item['atomUpdated']),
      ]);
  const link = atom
    ? atomLink(item['rawLinks'])
    : nonEmpty(textOf(item['origLink'])) ?? nonEmpty(textOf(asArray(item['rawLinks']).find((l) => nonEmpty(textOf(l))))) ?? nonEmpty(textOf(item['rdf:about']));
  return {
    title: nonEmpty(contentOf(item['rawTitle']) ?? textOf(item['title'])) ?? nonEmpty(contentOf(item['mediaTitle'])),
    link,
    guid: nonEmpty(atom ? textOf(item['rawId']) : textOf(item['rawGuid']) ?? textOf(item['rdf:about'])),
    published,
    contentHtml,
    summaryHtml,
    authors: authorsOf(item),
    categories: categoriesOf(item),
    language: nonEmpty(textOf(item['lang']) ?? textOf(item['dcLanguage'])),
    image: imageOf(item, contentHtml ?? summaryHtml, base),
    ...(base ? { base } : {}),
  };
}

// ---------------------------------------------------------------------------------------------

function formatOfRoot(root: string | undefined): boolean {
  const local = root?.slice(root.indexOf(':') + 1);
  return local === 'feed' || local === 'entry' || local === 'rss' || local === 'RDF';
}

/** Name of the first element, skipping the declaration, comments, PIs and the DOCTYPE. */
export function rootElement(text: string): string | undefined {
  const re = /<(!--[\s\S]*?--|\?[\s\S]*?\?|!\[CDATA\[|![A-Za-z][^>]*|[A-Za-z_][\w:.-]*)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const tag = m[1] ?? '';
    if (tag.startsWith('!') || tag.startsWith('?')) continue;
    return tag;
  }
  return undefined;
}

interface XmlParser {
  parseString(xml: string, callback: (error: unknown, result: unknown) => void): unknown;
}

class Unrecognised extends Error {}

/** One run of rss-parser over `xml`, with the tree repaired in between (see the module comment). */
async function runRssParser(xml: string, docBase: string | undefined): Promise<{ format: FeedFormat; output: Loose }> {
  const parser = new Parser<Loose, Loose>({
    customFields: { item: ITEM_FIELDS as never, feed: FEED_FIELDS as never },
    defaultRSS: 2,
    xml2js: { strict: true },
  });
  const seam = parser as unknown as { xmlParser: XmlParser };
  const xml2js = seam.xmlParser;
  let format: FeedFormat | undefined;
  seam.xmlParser = {
    parseString(text, callback) {
      let settled = false;
      return xml2js.parseString(text, (error, result) => {
        if (settled) return; // xml2js may report an error and then the end of the document
        settled = true;
        if (error) return callback(error, undefined);
        const recognised = isObject(result) ? repairTree(result, docBase) : undefined;
        if (!recognised) return callback(new Unrecognised('no feed root'), undefined);
        format = recognised.format;
        return callback(null, recognised.tree);
      });
    },
  };
  const output = (await parser.parseString(xml)) as unknown as Loose;
  if (!format) throw new Unrecognised('no feed root');
  return { format, output };
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]?.trim() ?? '';
}

/** sax's message with its position: "Unexpected close tag (line 3, column 10)". */
function saxMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const [head = '', ...rest] = message.split('\n');
  const line = /Line:\s*(\d+)/.exec(rest.join(' '))?.[1];
  const column = /Column:\s*(\d+)/.exec(rest.join(' '))?.[1];
  return line ? `${head.trim()} (line ${Number(line) + 1}, column ${column ?? '?'})` : head.trim();
}

function feedTitle(output: Loose): string | undefined {
  return contentOf(output['rawTitle']) ?? contentOf(output['title']);
}

export async function parseFeedText(text: string, context: ErrorContext = {}): Promise<ParsedFeed> {
  // A BOM, whitespace or NUL padding before the declaration is common and harmless.
  // eslint-disable-next-line no-control-regex -- NUL is exactly what is being stripped
  const xml = text.replace(/^[\uFEFF\s\u0000]+/, '');
  const root = rootElement(xml);
  if (!formatOfRoot(root)) {
    const what = xml.startsWith('{') || xml.startsWith('[') ? 'a JSON document' : root ? `root element <${root}>` : 'no XML element found';
    throw new NotAFeedError(`not a feed: ${what}`, { ...context, value: root ?? xml.slice(0, 40) });
  }
  const docBase = context.url;
  const prepared = escapeInlineMarkup(xml);
  let result: { format: FeedFormat; output: Loose };
  let recovered: readonly string[] | undefined;
  try {
    result = await runRssParser(prepared, docBase);
  } catch (first) {
    if (first instanceof Unrecognised) throw new NotAFeedError(`not a feed: root element <${root}>`, { ...context, value: root });
    if (first instanceof TypeError || first instanceof RangeError) {
      throw new FeedParseError(`feed could not be mapped: ${firstLine(first)}`, { ...context, value: firstLine(first) }, { cause: first });
    }
    const repaired = repairXmlText(prepared, firstLine(first));
    try {
      result = await runRssParser(repaired.xml, docBase);
      recovered = repaired.repairs;
    } catch {
      const message = saxMessage(first);
      throw new FeedParseError(`malformed XML: ${message}`, { ...context, value: message }, { cause: first });
    }
  }
  const { format, output } = result;
  const feedBase = nonEmpty(textOf(output['wb:base']));
  const link = nonEmpty(textOf(output.link));
  return {
    format,
    title: nonEmpty(feedTitle(output)),
    link: link && feedBase ? resolve(link, feedBase) : link,
    language: nonEmpty(textOf(output['language']) ?? textOf(output['dc:language']) ?? textOf(output['wb:lang'])),
    items: asArray(output.items).filter(isObject).map((item) => toRawItem(item, format)),
    ...(recovered && recovered.length ? { recovered } : {}),
  };
}
