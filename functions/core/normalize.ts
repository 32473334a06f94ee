import { createHash } from 'node:crypto';
import { removeBoilerplate } from './boilerplate';
import { canonicalUrl, droppedFragment } from './canonical-url';
import { fixC1Controls, repairMojibake } from './decode';
import { parseFeedDate } from './dates';
import { htmlToText, looksLikeHtml, tidyLines } from './html-text';
import { ARTICLE_SCHEMA_VERSION, type ArticleDraft, type FeedConfig, type ParsedFeed, type RawItem } from './model';

/**
 * Turn one parsed item into the stored article shape (without relevance and takeaways):
 * canonical URL and the id derived from it, plain-text title/summary/content, ISO-8601 UTC dates.
 *
 * Id: sha256 of the canonical URL; without a link, of the feed id and the guid; without either,
 * of the feed id, the title and the date. The prefix says which (u, g or t).
 */

export interface NormalizeContext {
  readonly feed: FeedConfig;
  /** The URL the feed was finally fetched from, used to resolve relative links. */
  readonly feedUrl: string;
  readonly fetchedAt: string;
  readonly rawRef?: string | null;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function toText(value: string | undefined): string {
  if (!value) return '';
  const text = looksLikeHtml(value) ? htmlToText(value) : tidyLines(value.replace(/\r\n?/g, '\n'));
  // C0 controls other than line breaks and tabs are never text (a "&#8;" slips through XML).
  // eslint-disable-next-line no-control-regex -- the point is to remove control characters
  return removeBoilerplate(repairMojibake(fixC1Controls(text)).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, ''));
}

/** One-line plain text (titles). */
function toLine(value: string | undefined): string {
  return toText(value).replace(/\s+/g, ' ').trim();
}

export function articleId(item: RawItem, feed: FeedConfig, url: string | null, published: string | null): string {
  if (url) return `u${sha256(url).slice(0, 31)}`;
  if (item.guid) return `g${sha256(`${feed.id}\n${item.guid}`).slice(0, 31)}`;
  return `t${sha256(`${feed.id}\n${item.title ?? ''}\n${published ?? ''}`).slice(0, 31)}`;
}

function guidAsUrl(guid: string | undefined, base: string): string | null {
  return guid && /^https?:\/\//i.test(guid) ? canonicalUrl(guid, base) : null;
}

/**
 * Where an item's links resolve from: its `xml:base`, else the feed's own site link (resolved
 * against the URL it was fetched from), else that URL.
 */
function baseOf(item: RawItem, parsed: ParsedFeed, ctx: NormalizeContext): string {
  const feedBase = parsed.link ? (canonicalUrl(parsed.link, ctx.feedUrl) ?? ctx.feedUrl) : ctx.feedUrl;
  return item.base ?? feedBase;
}

/** The href an item's URL comes from (its link, else a guid that is a URL), as written. */
function hrefOf(item: RawItem, base: string): string | undefined {
  if (item.link && canonicalUrl(item.link, base)) return item.link;
  return item.guid && guidAsUrl(item.guid, base) ? item.guid : undefined;
}

export interface NormalizeItemOptions {
  /** Keep the fragment canonicalUrl would drop (it is what tells this item from another). */
  readonly keepFragment?: boolean;
}

/**
 * A language tag in BCP 47 case ("en_us" → "en-US", "SR-latn" → "sr-Latn"); null when it is not
 * a language tag at all.
 */
export function normalizeLanguage(tag: string | undefined | null): string | null {
  const parts = (tag ?? '').trim().replace(/_/g, '-').split('-').filter(Boolean);
  const [primary, ...rest] = parts;
  if (!primary || !/^[a-z]{2,3}$/i.test(primary) || rest.some((p) => !/^[a-z0-9]{1,8}$/i.test(p))) return null;
  return [
    primary.toLowerCase(),
    ...rest.map((p) => (/^[a-z]{4}$/i.test(p) ? p[0]!.toUpperCase() + p.slice(1).toLowerCase() : /^([a-z]{2}|\d{3})$/i.test(p) ? p.toUpperCase() : p.toLowerCase())),
  ].join('-');
}

export function normalizeItem(item: RawItem, parsed: ParsedFeed, ctx: NormalizeContext, options: NormalizeItemOptions = {}): ArticleDraft {
  const base = baseOf(item, parsed, ctx);
  const canonical = (item.link ? canonicalUrl(item.link, base) : null) ?? guidAsUrl(item.guid, base);
  const fragment = options.keepFragment ? droppedFragment(hrefOf(item, base) ?? '', base) : '';
  const url = canonical && fragment ? `${canonical}#${fragment}` : canonical;
  const published = parseFeedDate(item.published);

  const contentSource = item.contentHtml ?? item.summaryHtml;
  const content = toText(contentSource);
  let summary = item.contentHtml && item.summaryHtml ? toText(item.summaryHtml) : '';
  if (!summary) summary = firstParagraph(content);
  const title = toLine(item.title) || firstWords(summary || content);

  return {
    schemaVersion: ARTICLE_SCHEMA_VERSION,
    id: articleId(item, ctx.feed, url, published),
    url,
    feedId: ctx.feed.id,
    source: { name: ctx.feed.name ?? parsed.title ?? ctx.feed.id, feedUrl: ctx.feed.url },
    title,
    summary,
    content,
    language: normalizeLanguage(item.language) ?? normalizeLanguage(parsed.language) ?? normalizeLanguage(ctx.feed.language),
    authors: [...item.authors],
    categories: [...item.categories],
    image: item.image ? canonicalUrl(item.image, base) : null,
    publishedAt: published ?? ctx.fetchedAt,
    publishedAtSource: published ? 'feed' : 'fetched-at',
    publishedAtRaw: published ? null : (item.published ?? null),
    fetchedAt: ctx.fetchedAt,
    contentHash: sha256(`${title}\n${summary}\n${content}`),
    rawRef: ctx.rawRef ?? null,
  };
}

function firstParagraph(text: string): string {
  const para = text.split(/\n\s*\n/).find((p) => p.trim().length > 0) ?? '';
  return para.length > 600 ? `${para.slice(0, 597).trimEnd()}…` : para;
}

function firstWords(text: string): string {
  const words = text.replace(/\s+/g, ' ').trim().split(' ');
  return words.length > 12 ? `${words.slice(0, 12).join(' ')}…` : words.join(' ');
}

/**
 * Every item of a feed, normalized. Items whose links differ only in a fragment the canonical
 * URL drops (`/live#post-1`, `/live#post-2`: a live blog's entries) are different items when
 * their guids or titles differ, so each keeps its fragment in `url` and `id` — otherwise they
 * would share one id and all but the first would be lost. The same item listed twice (same
 * guid, or same title without guids) still collapses to one. An item gets its fragment only
 * while a sibling needs telling apart from it, so its id can change the first time one appears
 * (stored then under both ids; near-duplicate detection links the two).
 */
export function normalizeItems(parsed: ParsedFeed, ctx: NormalizeContext): ArticleDraft[] {
  const drafts = parsed.items.map((item) => normalizeItem(item, parsed, ctx));
  const groups = new Map<string, number[]>();
  drafts.forEach((draft, i) => {
    if (draft.url) groups.set(draft.id, [...(groups.get(draft.id) ?? []), i]);
  });
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const fragments = new Set<string>();
    const identities = new Set<string>();
    for (const i of members) {
      const item = parsed.items[i]!;
      const base = baseOf(item, parsed, ctx);
      fragments.add(droppedFragment(hrefOf(item, base) ?? '', base));
      identities.add(item.guid ? `g:${item.guid}` : `t:${drafts[i]!.title}`);
    }
    if (fragments.size < 2 || identities.size < 2) continue;
    for (const i of members) drafts[i] = normalizeItem(parsed.items[i]!, parsed, ctx, { keepFragment: true });
  }
  return drafts;
}
