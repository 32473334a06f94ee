import { decodeFeedBytes } from './decode';
import type { ErrorContext } from './errors';
import type { Article, ArticleDraft, FeedConfig, FeedFormat, ParsedFeed, Relevance } from './model';
import { normalizeItems } from './normalize';
import { parseFeedText } from './parse';
import { classify, defaultClassifier, type ClassifyInput, type Classifier } from './relevance/classify';
import { boundedPrefix, extractTakeaways } from './takeaways/index';

/**
 * The pure pipeline, stage by stage: bytes → text (decode) → feed (parse) → drafts (normalize)
 * → articles (relevance, takeaways). No I/O here: the ingest worker, `wbnews parse` and the
 * tests all call these same functions.
 */

export interface FeedDocument {
  readonly format: FeedFormat;
  readonly charset: string;
  /** The label that was declared (HTTP or XML) but not used: mislabelled or unknown. */
  readonly charsetIgnored?: string;
  readonly parsed: ParsedFeed;
}

export async function readFeedDocument(
  bytes: Uint8Array,
  contentType: string | undefined,
  context: ErrorContext = {},
): Promise<FeedDocument> {
  const decoded = decodeFeedBytes(bytes, contentType, context);
  const parsed = await parseFeedText(decoded.text, context);
  return { format: parsed.format, charset: decoded.charset, ...(decoded.declared !== undefined ? { charsetIgnored: decoded.declared } : {}), parsed };
}

export interface FeedContext {
  readonly feed: FeedConfig;
  readonly feedUrl: string;
  readonly fetchedAt: string;
  readonly rawRef?: string | null;
}

/** Normalize every item; items that share an id (feeds repeat themselves) are kept once. */
export function normalizeFeed(parsed: ParsedFeed, ctx: FeedContext): ArticleDraft[] {
  const byId = new Map<string, ArticleDraft>();
  for (const draft of normalizeItems(parsed, ctx)) {
    if (!byId.has(draft.id)) byId.set(draft.id, draft);
  }
  return [...byId.values()];
}

/**
 * Relevance reads at most this many characters of each field (cut at a line break or space).
 * A safety bound, not a tuning knob: news articles are far shorter (takeaways-dev: at most
 * 10,406 characters), and scoring grows with the text, so a 4 MB transcript in one feed item
 * costs what a 100 KB one does. Takeaways have their own bound (data/takeaways.json `limits`).
 */
export const RELEVANCE_MAX_CHARS = 100_000;

export interface EnrichOptions {
  /**
   * `all` (default): takeaways for every item, as `wbnews parse --items` and `reprocess` show them.
   * `relevant`: only for relevant items; the others get none (`items: []`), since only a record
   * of them is stored: the ingest worker uses this.
   */
  readonly takeawaysFor?: 'all' | 'relevant';
}

/** Add relevance and takeaways to a draft; the regional terms relevance found steer the takeaways. */
/** Relevance as the pipeline decides it: each field read up to RELEVANCE_MAX_CHARS. */
export function classifyBounded(input: ClassifyInput, classifier: Classifier = defaultClassifier): Relevance {
  const bound = (text: string | undefined): string | undefined => (text === undefined ? undefined : boundedPrefix(text, RELEVANCE_MAX_CHARS));
  return classify({ title: bound(input.title), summary: bound(input.summary), content: bound(input.content) }, classifier);
}

export function enrichArticle(draft: ArticleDraft, classifier: Classifier = defaultClassifier, options: EnrichOptions = {}): Article {
  const relevance = classifyBounded({ title: draft.title, summary: draft.summary, content: draft.content }, classifier);
  if (options.takeawaysFor === 'relevant' && !relevance.relevant) {
    return { ...draft, relevance, takeaways: { method: 'extractive', items: [], quotes: [] } };
  }
  const terms = relevance.matched.map((m) => m.text);
  const takeaways = extractTakeaways({ title: draft.title, text: draft.content, terms });
  return { ...draft, relevance, takeaways };
}
