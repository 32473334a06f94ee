import { decodeFeedBytes } from './decode';
import type { ErrorContext } from './errors';
import type { Article, ArticleDraft, FeedConfig, FeedFormat, ParsedFeed } from './model';
import { normalizeItems } from './normalize';
import { parseFeedText } from './parse';
import { classify, defaultClassifier, type Classifier } from './relevance/classify';
import { extractTakeaways } from './takeaways/index';

/**
 * The pure pipeline, stage by stage: bytes → text (decode) → feed (parse) → drafts (normalize)
 * → articles (relevance, takeaways). No I/O here: the ingest worker, `wbnews parse` and the
 * tests all call these same functions.
 */

export interface FeedDocument {
  readonly format: FeedFormat;
  readonly charset: string;
  readonly parsed: ParsedFeed;
}

export async function readFeedDocument(
  bytes: Uint8Array,
  contentType: string | undefined,
  context: ErrorContext = {},
): Promise<FeedDocument> {
  const decoded = decodeFeedBytes(bytes, contentType, context);
  const parsed = await parseFeedText(decoded.text, context);
  return { format: parsed.format, charset: decoded.charset, parsed };
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

/** Add relevance and takeaways to a draft; the regional terms relevance found steer the takeaways. */
export function enrichArticle(draft: ArticleDraft, classifier: Classifier = defaultClassifier): Article {
  const relevance = classify({ title: draft.title, summary: draft.summary, content: draft.content }, classifier);
  const terms = relevance.matched.map((m) => m.text);
  const takeaways = extractTakeaways({ title: draft.title, text: draft.content, terms });
  return { ...draft, relevance, takeaways };
}
