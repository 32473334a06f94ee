import { ArticleSchemaError } from '../adapters/article-schema';
import type { Article, ArticleDraft, FeedConfig } from '../core/model';
import { enrichArticle } from '../core/pipeline';
import { classifierVersion } from '../core/relevance/classify';
import type { ArticleStore, Logger, PutOutcome } from './ports';

/**
 * Store the normalized items of one feed body: ask the store once (BatchGet) which ids it
 * already holds, skip those that have not changed, and for the rest fetch the full text (for
 * `fullText` feeds), run relevance and takeaways, and put the article. The store makes every put
 * idempotent, so a redelivered message or a racing worker is harmless.
 *
 * An item is skipped when its hash (taken before any full-text fetch) is unchanged, except:
 * - its record is `pending` (a crash interrupted the linking after its write): finish it;
 * - it was not relevant under an older classifier: classify it again.
 */

export interface StoreArticlesDeps {
  readonly articles: ArticleStore;
  readonly logger: Logger;
  /** For feeds configured with `fullText`: replace a new or changed item's teaser with its page's text. */
  readonly fullText?: (draft: ArticleDraft, feed: FeedConfig) => Promise<ArticleDraft>;
  /** Relevance and takeaways (default: the pipeline's). */
  readonly enrich?: (draft: ArticleDraft) => Article;
  /** The classifier version items are classified with (default: the current one). */
  readonly classifierVersion?: string;
}

export interface StoreCounts {
  /** Items about the region (new, changed or already stored). */
  relevant: number;
  /** New stories stored. */
  stored: number;
  /** New items that are another feed's copy of a stored story: linked, not stored again. */
  duplicates: number;
  /** Known items that changed upstream: stored as a new revision. */
  updated: number;
  /** Items already stored (or already seen as not relevant) and unchanged. */
  known: number;
  /** Items the store refused because they did not match the article schema (a bug: logged). */
  invalid: number;
}

export function emptyStoreCounts(): StoreCounts {
  return { relevant: 0, stored: 0, duplicates: 0, updated: 0, known: 0, invalid: 0 };
}

export async function storeArticles(drafts: readonly ArticleDraft[], feed: FeedConfig, deps: StoreArticlesDeps): Promise<StoreCounts> {
  const counts = emptyStoreCounts();
  const enrich = deps.enrich ?? enrichArticle;
  const currentClassifier = deps.classifierVersion ?? classifierVersion();
  const known = await deps.articles.lookup(drafts.map((d) => d.id));

  for (const draft of drafts) {
    const previous = known.get(draft.id);
    const reclassify = previous !== undefined && !previous.relevant && previous.classifierVersion !== currentClassifier;
    if (previous && previous.itemHash === draft.contentHash && !reclassify) {
      if (previous.pending) await deps.articles.complete(draft.id);
      counts.known++;
      if (previous.relevant) counts.relevant++;
      continue;
    }
    const full = feed.fullText && deps.fullText ? await deps.fullText(draft, feed) : draft;
    const article = enrich(full);
    let outcome: PutOutcome;
    try {
      outcome = await deps.articles.put(article, { itemHash: draft.contentHash, previous: previous ?? null });
    } catch (error) {
      if (!(error instanceof ArticleSchemaError)) throw error;
      counts.invalid++;
      deps.logger.error('article does not match the schema: not stored', { feedId: feed.id, itemId: draft.id, problems: error.problems });
      continue;
    }
    tally(counts, outcome, article);
  }
  return counts;
}

function tally(counts: StoreCounts, outcome: PutOutcome, article: Article): void {
  if (article.relevance.relevant) counts.relevant++;
  if (outcome === 'stored') counts.stored++;
  else if (outcome === 'duplicate') counts.duplicates++;
  else if (outcome === 'updated') counts.updated++;
  else if (outcome === 'known') counts.known++;
}
