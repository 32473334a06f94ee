import { ArticleSchemaError } from '../adapters/article-schema';
import { describeError } from '../core/errors';
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
 *
 * One item never fails its feed: an error while fetching its page or enriching it is logged
 * (`item failed`, with feed id, item id and error) and counted in `failed`, and the loop goes
 * on. Storage errors other than a schema refusal still throw: they are not the item's fault,
 * and the queue redelivers the message.
 *
 * Full text has a budget per feed per run: at most `fullTextMaxPages` pages, and none started
 * after `deadlineAt`. An item over budget is stored with its teaser, logged (`full text
 * deferred`) and counted in `fullTextDeferred`; its record's itemHash is marked (teaserOnlyHash)
 * so the next run that reads the feed tries its page again and stores the full text as a new
 * revision.
 */

/** Pages fetched per fullText feed per run when the caller sets no other cap. */
export const FULL_TEXT_MAX_PAGES = 20;

/** The itemHash stored for an item kept with its teaser because the page was over budget: never equal to a contentHash. */
export const teaserOnlyHash = (contentHash: string): string => `teaser-only:${contentHash}`;

export interface StoreArticlesDeps {
  readonly articles: ArticleStore;
  readonly logger: Logger;
  /** For feeds configured with `fullText`: replace a new or changed item's teaser with its page's text. */
  readonly fullText?: (draft: ArticleDraft, feed: FeedConfig) => Promise<ArticleDraft>;
  /** Most pages fetched for this feed in this run (default FULL_TEXT_MAX_PAGES). */
  readonly fullTextMaxPages?: number;
  /** Epoch milliseconds after which no page fetch starts (the invocation's deadline less a reserve). */
  readonly deadlineAt?: number;
  /** The clock the deadline is read with (default Date.now). */
  readonly now?: () => number;
  /** Relevance and takeaways (default: the pipeline's, with takeaways for relevant items only). */
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
  /** Items whose page fetch or enrichment threw (a bug: logged, not stored, so tried again the next time the feed is read). */
  failed: number;
  /** Items of a fullText feed stored with their teaser because the run's page budget was spent. */
  fullTextDeferred: number;
}

export function emptyStoreCounts(): StoreCounts {
  return { relevant: 0, stored: 0, duplicates: 0, updated: 0, known: 0, invalid: 0, failed: 0, fullTextDeferred: 0 };
}

export async function storeArticles(drafts: readonly ArticleDraft[], feed: FeedConfig, deps: StoreArticlesDeps): Promise<StoreCounts> {
  const counts = emptyStoreCounts();
  const enrich = deps.enrich ?? ((draft: ArticleDraft) => enrichArticle(draft, undefined, { takeawaysFor: 'relevant' }));
  const currentClassifier = deps.classifierVersion ?? classifierVersion();
  const known = await deps.articles.lookup(drafts.map((d) => d.id));
  const now = deps.now ?? Date.now;
  const maxPages = deps.fullTextMaxPages ?? FULL_TEXT_MAX_PAGES;
  let pages = 0;

  for (const draft of drafts) {
    const previous = known.get(draft.id);
    const reclassify = previous !== undefined && !previous.relevant && previous.classifierVersion !== currentClassifier;
    if (previous && previous.itemHash === draft.contentHash && !reclassify) {
      if (previous.pending) await deps.articles.complete(draft.id);
      counts.known++;
      if (previous.relevant) counts.relevant++;
      continue;
    }
    const fields = { feedId: feed.id, itemId: draft.id };
    let itemHash = draft.contentHash;
    let article: Article;
    try {
      let full = draft;
      if (feed.fullText && deps.fullText && draft.url) {
        const overBudget = pages >= maxPages ? 'pages' : deps.deadlineAt !== undefined && now() >= deps.deadlineAt ? 'deadline' : null;
        if (overBudget) {
          counts.fullTextDeferred++;
          itemHash = teaserOnlyHash(draft.contentHash);
          deps.logger.warn('full text deferred', { ...fields, url: draft.url, code: 'over_budget', budget: overBudget, maxPages });
        } else {
          pages++;
          full = await deps.fullText(draft, feed);
        }
      }
      article = enrich(full);
    } catch (error) {
      counts.failed++;
      const { code, message } = describeError(error);
      deps.logger.error('item failed: not stored', { ...fields, code, error: message });
      continue;
    }
    let outcome: PutOutcome;
    try {
      outcome = await deps.articles.put(article, { itemHash, previous: previous ?? null });
    } catch (error) {
      if (!(error instanceof ArticleSchemaError)) throw error;
      counts.invalid++;
      deps.logger.error('article does not match the schema: not stored', { ...fields, problems: error.problems });
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
