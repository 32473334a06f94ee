/**
 * The shared model: every stage takes and returns these plain types.
 * The stored article shape is also described by `data/article.schema.json`; keep them in step
 * and bump ARTICLE_SCHEMA_VERSION when a stored field changes meaning.
 */

export const ARTICLE_SCHEMA_VERSION = 1 as const;

/** Country codes of the Western Balkans six (XK is the user-assigned code for Kosovo). */
export const WB6 = ['AL', 'BA', 'XK', 'ME', 'MK', 'RS'] as const;
export type CountryCode = string;

/** One feed as configured in a feeds file (`feeds/feeds.json`, or `--feeds FILE`). */
export interface FeedConfig {
  readonly id: string;
  readonly url: string;
  readonly name?: string;
  /** Language of the feed when the feed itself does not say (BCP 47, e.g. "sr-Latn"). */
  readonly language?: string;
  /** The feed carries only teasers: fetch each new article's page for its full text. */
  readonly fullText?: boolean;
}

/** Which format a document was recognised as. */
export type FeedFormat = 'rss2' | 'rss1' | 'rss0.9' | 'atom';

/** An item as it came out of the parser, before normalization. All fields optional and raw. */
export interface RawItem {
  readonly title?: string;
  readonly link?: string;
  readonly guid?: string;
  readonly published?: string;
  /** HTML or text from content:encoded / atom:content. */
  readonly contentHtml?: string;
  /** HTML or text from description / atom:summary. */
  readonly summaryHtml?: string;
  readonly authors: readonly string[];
  readonly categories: readonly string[];
  readonly language?: string;
  readonly image?: string;
  /** The xml:base in scope for the item, resolved; relative links resolve against it. */
  readonly base?: string;
}

export interface ParsedFeed {
  readonly format: FeedFormat;
  readonly title?: string;
  readonly link?: string;
  readonly language?: string;
  readonly items: readonly RawItem[];
  /** Repairs that were needed before the XML parsed (e.g. "entities", "truncated"); absent when none. */
  readonly recovered?: readonly string[];
}

export type Field = 'title' | 'summary' | 'content';

export interface RelevanceMatch {
  /** The gazetteer's name for what was found (its canonical form: "Aleksandar Vučić" for "Vuçiç"). */
  readonly term: string;
  /** The text as it appeared in the article. */
  readonly text: string;
  readonly field: Field;
  readonly countries: readonly CountryCode[];
  /** How many times the term occurred in the field. */
  readonly count: number;
  /** What the term contributed to the score. */
  readonly weight: number;
  /** The gazetteer entry's kind: country, demonym, capital, town, person, institution, sports... */
  readonly kind?: string;
  /** Why the mention counted less: late, list, ancestry, foreign-headline (absent when it counted fully). */
  readonly discounts?: readonly string[];
}

export interface Relevance {
  readonly relevant: boolean;
  readonly score: number;
  /** Subject countries, strongest first. */
  readonly countries: readonly CountryCode[];
  readonly countryScores: Readonly<Record<CountryCode, number>>;
  readonly matched: readonly RelevanceMatch[];
  readonly tags: readonly string[];
  readonly classifierVersion: string;
}

export interface Takeaway {
  readonly text: string;
  /** Character offsets of the takeaway in `Article.content`, when it was found there. */
  readonly start: number | null;
  readonly end: number | null;
}

/** A direct quotation in the article and who said it, with its offsets in `Article.content`. */
export interface Quote {
  /** The quoted words, without the quotation marks. */
  readonly text: string;
  /** The speaker's name as the article gives it ("Mark Rutte"), a description ("the ministry"), or null when unattributed. */
  readonly speaker: string | null;
  readonly start: number;
  readonly end: number;
}

export interface Takeaways {
  readonly method: 'explicit' | 'extractive';
  readonly items: readonly Takeaway[];
  /** Direct quotations with their speakers, in document order (absent in articles stored before it existed). */
  readonly quotes?: readonly Quote[];
}

export interface Article {
  readonly schemaVersion: typeof ARTICLE_SCHEMA_VERSION;
  readonly id: string;
  /** Canonical URL, or null when the item had no usable link. */
  readonly url: string | null;
  readonly feedId: string;
  readonly source: { readonly name: string; readonly feedUrl: string };
  readonly title: string;
  readonly summary: string;
  readonly content: string;
  readonly language: string | null;
  readonly authors: readonly string[];
  readonly categories: readonly string[];
  readonly image: string | null;
  /** ISO-8601 UTC. Falls back to the fetch time when the feed gave no readable date. */
  readonly publishedAt: string;
  /** Where publishedAt came from: the feed's own date, or the fetch time because it had none. */
  readonly publishedAtSource: 'feed' | 'fetched-at';
  /** The feed's date text when it could not be read; null otherwise. */
  readonly publishedAtRaw: string | null;
  readonly fetchedAt: string;
  readonly relevance: Relevance;
  readonly takeaways: Takeaways;
  /** sha256 of the normalized title, summary and content: a change upstream changes it. */
  readonly contentHash: string;
  /** Where the raw feed body this article came from is kept (an S3 key), when it is kept. */
  readonly rawRef: string | null;
}

/** An article before the enrichment steps (relevance, takeaways) have run. */
export type ArticleDraft = Omit<Article, 'relevance' | 'takeaways'>;
