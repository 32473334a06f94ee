import { createHash } from 'node:crypto';
import { GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { BadInputError } from '../core/errors';
import type { Article } from '../core/model';
import { bands, defaultNearDuplicateConfig, fingerprint, isNearDuplicate, type Fingerprint, type NearDuplicateConfig } from '../core/near-duplicate';
import type {
  AlsoSeen,
  ArticlePage,
  ArticleQuery,
  ArticleStore,
  ArticleSummary,
  KnownItem,
  PutOptions,
  PutOutcome,
  StoredStory,
} from '../ingest/ports';
import { assertValidArticle } from './article-schema';
import { batchGet, batchWrite, defaultRetry, isConditionalFailure, queryPages, retryDelay, type Item, type RetryPolicy } from './dynamo-util';
import {
  ARTICLE_INDEXES,
  ARTICLE_SK,
  DAYS_SK,
  META_PK,
  articleObjectKey,
  articlePk,
  articleVersionKey,
  countrySk,
  dayOf,
  fingerprintPk,
  publishedKey,
  type ArticleIndexName,
} from './keys';

/**
 * Articles in S3 (the JSON: the system of record) and DynamoDB (the index that queries use),
 * with an exactly-once effect under at-least-once delivery.
 *
 * Write order: the S3 object, then the derived items (country pointers, fingerprint bands),
 * then the index record, written with a condition (`attribute_not_exists(pk)` for a new item,
 * `revision = :previous` for a change). The index record is the commit marker: a crash before it
 * leaves nothing that points at a missing object, and the retry, finding no record, writes the
 * set again (same keys, so nothing is doubled). A redelivery, a racing worker or a repeated
 * cycle loses the condition, re-reads, finds the same content and returns "known".
 *
 * Every revision of a relevant item is written to versions/articles/<id>/<revision>.json
 * (zero-padded) before its record names it, and is never deleted there: versions/ is the
 * whole history, articles/ the current revision of each story. A change (same id, new
 * content or new relevance) writes its revision there, overwrites the object, then moves the
 * record to the next revision (a story stored before this rule first has its current object
 * copied to versions/, once).
 *
 * Cross-feed duplicates: a new relevant article's SimHash fingerprint is written as band items;
 * articles within the configured distance are the same story. Stories form a forest whose roots
 * are the canonical articles: the one published first (then the smaller id) wins, so the result
 * does not depend on which copy arrived first. A duplicate's record points at its canonical
 * story (`duplicateOf`, with `linkedFingerprint`: the fingerprint it linked to), has no object
 * under articles/ and no index keys, and is listed in the canonical record's `alsoSeenIn`.
 * Linking runs after the commit, with strongly consistent reads, so of two racing copies the
 * later committer always sees the earlier; a record keeps `pending` until its linking has
 * finished, and the next delivery finishes it. A story demoted to a copy loses its object
 * under articles/ (its revisions stay under versions/).
 *
 * An item keeps its fingerprint while its text stays near it. A copy whose new text is still
 * near stays linked (its alsoSeenIn entry is refreshed); one whose text moved away is unlinked
 * and stored again as what it is now. A story whose text moved away is first marked `leaving`
 * (no copy attaches to it meanwhile), hands its copies over (the earliest becomes the story,
 * its kept text becoming its object; the others point at it) and takes its new fingerprint.
 * A story is identified by its id and fingerprint: a late worker whose story has moved since
 * stops, and a copy linked to the story's new text is never taken for one of its old copies.
 * Whoever leaves a fingerprint records it (`leftFingerprint`) and, after its commit, sweeps
 * that neighbourhood: a copy whose link went stale meanwhile (its story moved, or it was
 * re-pointed at a successor that moved) finds its place again.
 *
 * Items that are not relevant get a record too (no object, no index keys), so they are not
 * classified again while unchanged; `wbnews reprocess` revisits them after a classifier change.
 */

export interface ArticleStoreConfig {
  readonly bucket: string;
  readonly table: string;
  readonly retry?: RetryPolicy;
  readonly nearDuplicate?: NearDuplicateConfig;
}

/** The index record of one item (ART#<id> / ARTICLE). */
interface IndexRecord {
  readonly id: string;
  readonly title: string;
  readonly url: string | null;
  readonly feedId: string;
  readonly publishedAt: string;
  readonly firstSeenAt: string;
  readonly updatedAt: string;
  readonly countries: readonly string[];
  readonly score: number;
  readonly relevant: boolean;
  readonly itemHash: string;
  readonly contentHash: string;
  readonly enrichmentHash: string;
  readonly classifierVersion: string;
  readonly schemaVersion: number;
  readonly revision: number;
  /** Order among copies of one story: publishedKey when first stored; the smallest is canonical. */
  readonly rank?: string;
  readonly fingerprint?: string;
  readonly shingles?: number;
  readonly objectKey?: string;
  readonly duplicateOf?: string;
  /** A copy's: the fingerprint of the story it linked to; it attaches there only while the story still has it. */
  readonly linkedFingerprint?: string;
  readonly alsoSeenIn?: Readonly<Record<string, AlsoSeenRef>>;
  readonly pending?: boolean;
  /** Set by a demotion until its cleanup is done: the article object the demoted story had (to delete). */
  readonly leftoverKey?: string;
  /** Set while a story whose text moved hands its copies over (handOver). */
  readonly leaving?: boolean;
  /**
   * Set by the commit of a move (or an unlink) until the old fingerprint's neighbourhood has
   * been swept (see sweep): what a crash in between leaves is finished by the next linking.
   */
  readonly leftFingerprint?: { readonly hash: string; readonly shingles: number; readonly publishedAt: string };
  /** A story that was a copy: the story it took over from (handOver), so a redelivery finds it again. */
  readonly promotedFrom?: string;
  readonly dayKey?: string;
  readonly feedKey?: string;
  readonly publishedKey?: string;
}

type AlsoSeenRef = Omit<AlsoSeen, 'id'>;

const CONFLICT_ATTEMPTS = 5;
const MAX_CHAIN = 64;
const VISIBLE_KEYS = ['dayKey', 'feedKey', 'publishedKey'] as const;

/**
 * sha256 of what enrichment decided (relevance and takeaways), without the classifier's version:
 * a new classifier that decides the same leaves it equal, so it makes no new revision.
 */
export function enrichmentHash(article: Pick<Article, 'relevance' | 'takeaways'>): string {
  const { classifierVersion: _version, ...relevance } = article.relevance;
  return createHash('sha256').update(JSON.stringify(['v2', relevance, article.takeaways])).digest('hex');
}

/** The hash records carried before it left the version out: they are still compared correctly. */
function legacyEnrichmentHash(article: Pick<Article, 'relevance' | 'takeaways'>, version: string): string {
  return createHash('sha256').update(JSON.stringify([{ ...article.relevance, classifierVersion: version }, article.takeaways])).digest('hex');
}

/** Whether the record holds the same relevance and takeaways as the article (whatever classifier version decided them). */
function sameEnrichment(record: Pick<IndexRecord, 'enrichmentHash' | 'classifierVersion'>, article: Article, enrichment: string): boolean {
  return record.enrichmentHash === enrichment || record.enrichmentHash === legacyEnrichmentHash(article, record.classifierVersion);
}

/** The near-duplicate fingerprint of an article: of its content (or summary), with the title when that text is short. */
export function articleFingerprint(article: Pick<Article, 'title' | 'content' | 'summary'>, config: NearDuplicateConfig = defaultNearDuplicateConfig): Fingerprint {
  return fingerprint({ title: article.title, text: article.content || article.summary }, config);
}

export class S3DynamoArticleStore implements ArticleStore {
  private readonly retry: RetryPolicy;
  private readonly nearDuplicate: NearDuplicateConfig;

  constructor(
    private readonly s3: S3Client,
    private readonly dynamo: DynamoDBClient,
    private readonly config: ArticleStoreConfig,
  ) {
    this.retry = config.retry ?? defaultRetry;
    this.nearDuplicate = config.nearDuplicate ?? defaultNearDuplicateConfig;
  }

  async lookup(ids: readonly string[]): Promise<Map<string, KnownItem>> {
    const records = await this.readMany(ids, true);
    return new Map([...records.values()].map((r) => [r.id, toKnown(r)]));
  }

  async put(article: Article, options: PutOptions = {}): Promise<PutOutcome> {
    assertValidArticle(article);
    const itemHash = options.itemHash ?? article.contentHash;
    const enrichment = enrichmentHash(article);
    let previous: IndexRecord | KnownItem | null | undefined = options.previous;
    for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt++) {
      try {
        if (previous === undefined) previous = (await this.read(article.id)) ?? null;
        if (previous === null) return await this.insert(article, itemHash, enrichment);
        const record = 'enrichmentHash' in previous ? previous : await this.read(article.id);
        if (!record) {
          previous = null;
          continue;
        }
        if (record.itemHash === itemHash && record.contentHash === article.contentHash && sameEnrichment(record, article, enrichment)) {
          // A new classifier that decided the same: the record notes its version; the object
          // keeps the version that produced it, and no revision or versions/ copy is made.
          if (record.classifierVersion !== article.relevance.classifierVersion) await this.recordClassifier(article.id, article.relevance.classifierVersion, record.revision);
          if (record.pending) await this.complete(article.id);
          return 'known';
        }
        return await this.update(article, itemHash, enrichment, record);
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
        previous = undefined;
      }
    }
    throw new Error(`article ${article.id}: still conflicting with concurrent writers after ${CONFLICT_ATTEMPTS} attempts`);
  }

  async complete(id: string): Promise<void> {
    await this.link(id);
  }

  async get(id: string): Promise<Article | undefined> {
    return (await this.story(id))?.article;
  }

  async story(id: string): Promise<StoredStory | undefined> {
    const record = await this.read(id);
    if (!record) return undefined;
    const root = record.duplicateOf ? await this.findRoot(id) : record;
    if (!root) return undefined;
    const article = root.objectKey ? await this.readObject(root.objectKey) : await this.lastVersion(root);
    return {
      requestedId: id,
      id: root.id,
      ...(record.duplicateOf ? { duplicateOf: root.id } : {}),
      revision: root.revision,
      relevant: root.relevant,
      classifierVersion: root.classifierVersion,
      firstSeenAt: root.firstSeenAt,
      updatedAt: root.updatedAt,
      ...(root.objectKey ? { objectKey: root.objectKey } : {}),
      alsoSeenIn: alsoSeenList(root),
      ...(article ? { article } : {}),
    };
  }

  async *query(query: ArticleQuery): AsyncIterable<ArticleSummary> {
    const plan = await this.plan(query);
    let n = 0;
    for await (const row of this.rows(plan, query.cursor)) {
      if (query.limit !== undefined && n >= query.limit) return;
      yield row.summary;
      n++;
    }
  }

  async queryPage(query: ArticleQuery): Promise<ArticlePage> {
    const plan = await this.plan(query);
    const items: ArticleSummary[] = [];
    let last: Row | undefined;
    for await (const row of this.rows(plan, query.cursor)) {
      if (query.limit !== undefined && items.length >= query.limit && last) {
        return { items, cursor: encodeCursor({ i: plan.index, p: last.partition, k: last.key }) };
      }
      items.push(row.summary);
      last = row;
    }
    return { items };
  }

  // ---- writing ---------------------------------------------------------------------------

  /** A new item (or an item seen before only as not relevant: `prior`). */
  private async insert(article: Article, itemHash: string, enrichment: string, prior?: IndexRecord, extra: Record<string, unknown> = {}): Promise<PutOutcome> {
    const id = article.id;
    const revision = (prior?.revision ?? 0) + 1;
    // A copy leaving its story commits only if it still points where it pointed (a concurrent
    // handOver may have moved it: then it retries against its new story).
    const condition = prior
      ? prior.duplicateOf
        ? { expression: 'revision = :prev AND duplicateOf = :dup', previous: prior.revision, duplicateOf: prior.duplicateOf }
        : { expression: 'revision = :prev', previous: prior.revision }
      : { expression: 'attribute_not_exists(pk)' };
    const base = {
      ...this.fields(article, itemHash, enrichment),
      revision,
      firstSeenAt: prior?.firstSeenAt ?? article.fetchedAt,
      ...extra,
    };
    if (!article.relevance.relevant) {
      await this.putRecord(base, condition);
      return 'irrelevant';
    }

    const fp = articleFingerprint(article, this.nearDuplicate);
    const rank = publishedKey(article.publishedAt, id);
    const linked = { ...base, rank, fingerprint: fp.hash, shingles: fp.shingles, alsoSeenIn: {}, pending: true };
    const bandWrites = this.bandWrites(id, rank, fp);

    // Already stored under another URL (and published earlier)? Then link, don't store again.
    const canonical = (await this.neighbours(linked)).map((n) => n.root).find((root) => comesBefore(root, linked));
    // Every revision of a relevant item is kept under versions/ first: the record (last) then
    // never names a revision whose text is not there, and articles/ can always be rebuilt.
    await this.putObject(articleVersionKey(id, revision), article, revision);
    if (canonical) {
      // A copy has no object under articles/.
      await batchWrite(this.dynamo, this.config.table, bandWrites, this.retry);
      await this.putRecord({ ...linked, duplicateOf: canonical.id, linkedFingerprint: canonical.fingerprint }, condition);
      await this.link(id);
      return 'duplicate';
    }

    const objectKey = articleObjectKey(article.publishedAt, id);
    await this.putObject(objectKey, article, revision);
    await batchWrite(this.dynamo, this.config.table, [...bandWrites, ...countryWrites(article.relevance.countries, rank, id)], this.retry);
    await this.addDay(dayOf(article.publishedAt));
    try {
      await this.putRecord({ ...linked, objectKey, dayKey: dayOf(article.publishedAt), feedKey: article.feedId, publishedKey: rank }, condition);
    } catch (error) {
      // A racing worker committed this item first. If it committed it as a copy of another
      // story (or it has become one since), the object just written may have landed after
      // that copy's cleanup: remove it, so articles/ holds each story once.
      if (isConditionalFailure(error) && (await this.read(id))?.duplicateOf) await this.dropStrayObject(id, objectKey);
      throw error;
    }
    return (await this.link(id)) ? 'stored' : 'duplicate';
  }

  /** A known item whose content or enrichment changed: the next revision. */
  private async update(article: Article, itemHash: string, enrichment: string, record: IndexRecord): Promise<PutOutcome> {
    const id = article.id;
    const revision = record.revision + 1;
    const fields = { ...this.fields(article, itemHash, enrichment), revision };
    if (record.duplicateOf) return this.updateCopy(article, itemHash, enrichment, record);
    if (!record.objectKey) {
      if (!article.relevance.relevant) {
        await this.updateRecord(id, fields, [], 'revision = :prev', record.revision);
        return 'irrelevant';
      }
      return this.insert(article, itemHash, enrichment, record);
    }

    const visible = article.relevance.relevant;
    const sortKey = publishedKey(article.publishedAt, id);
    // Its text moved away from its fingerprint: it is another story now. Its copies keep the
    // story it was (handOver), and it is fingerprinted again and linked as what it is now.
    const fp = articleFingerprint(article, this.nearDuplicate);
    let successor: string | undefined;
    let moved = false;
    if (record.fingerprint !== undefined && !this.isNear(fp, record)) {
      const handed = await this.handOver(record);
      moved = handed !== null;
      successor = handed ?? undefined;
    }
    const rank = moved ? sortKey : (record.rank ?? sortKey);
    // Linked again when it moved, or when it is relevant again after a withdrawal (its band
    // items are written again: a move while withdrawn deleted them).
    const relink = visible && (moved || !record.relevant);
    const current = moved ? fp : { hash: record.fingerprint ?? fp.hash, shingles: record.shingles ?? fp.shingles };
    await this.keepLegacyVersion(record);
    await this.putObject(articleVersionKey(id, revision), article, revision);
    await this.putObject(record.objectKey, article, revision);
    if (visible) {
      await this.addDay(dayOf(article.publishedAt));
      await batchWrite(this.dynamo, this.config.table, [...(relink ? this.bandWrites(id, rank, current) : []), ...countryWrites(article.relevance.countries, sortKey, id)], this.retry);
    }
    const refreshed = moved ? { fingerprint: fp.hash, shingles: fp.shingles, rank, alsoSeenIn: {}, ...leftOf(record) } : {};
    try {
      await this.updateRecord(
        id,
        { ...fields, ...refreshed, ...(visible ? { dayKey: dayOf(article.publishedAt), feedKey: article.feedId, publishedKey: sortKey } : {}), ...(relink || moved ? { pending: true } : {}) },
        [...(visible ? [] : VISIBLE_KEYS), 'leaving'],
        'revision = :prev AND attribute_not_exists(duplicateOf)',
        record.revision,
      );
    } catch (error) {
      // Made a copy of another story meanwhile: what was just written may have landed after
      // that demotion's cleanup (see insert). Or promoted back, or updated by a racing worker:
      // then articles/ must hold the committed revision, not this attempt's.
      if (isConditionalFailure(error)) await this.dropStrayObject(id, record.objectKey);
      throw error;
    }
    const kept = new Set(visible ? article.relevance.countries : []);
    const gone = record.countries.filter((c) => !kept.has(c));
    const stale = moved ? this.staleBands(record, new Set(visible ? bands(fp.hash, this.nearDuplicate) : []), rank) : [];
    await batchWrite(this.dynamo, this.config.table, [...gone.map((c) => deletePointer(id, c)), ...stale], this.retry);
    // The successor links only now, when this item no longer carries the story's fingerprint.
    if (successor) {
      await this.link(successor);
      await this.prune(successor);
    }
    // Linked again (and its old neighbourhood swept: see link).
    if (relink || moved) await this.link(id);
    return 'updated';
  }

  /** Whether a fingerprint is within the near-duplicate distance of a record's. */
  private isNear(fp: Fingerprint, record: Pick<IndexRecord, 'fingerprint' | 'shingles'>): boolean {
    return record.fingerprint !== undefined && isNearDuplicate(fp, { hash: record.fingerprint, shingles: record.shingles ?? 0 }, this.nearDuplicate);
  }

  /**
   * A story whose own text moved away leaves its copies the story they are: the earliest of
   * them (by rank) becomes the story, its text (kept under versions/, as every copy's is)
   * becoming the article object, and the others point at it. The story is first marked
   * `leaving`, and only then are its copies read: a copy that joins meanwhile fails to attach
   * (attach checks the story it linked to) and finds its place itself (reroot). Each step is
   * conditional and can be redone: a redelivery finds the same successor (the earliest) and
   * finishes. Returns the successor's id (to link once the story has its new fingerprint),
   * undefined when it had no copies, or null when a copy's text is missing (stored before
   * copies kept it): then the story stays as it was.
   */
  private async handOver(record: IndexRecord): Promise<string | undefined | null> {
    // `pending` too: a crash before the move commits is finished (or undone) by the next delivery.
    if (!record.leaving) await this.updateRecord(record.id, { leaving: true, pending: true }, [], 'revision = :prev AND attribute_not_exists(duplicateOf)', record.revision);
    // The story as it was when this move began (same revision, same fingerprint). A worker
    // that comes late, after another has committed the move, stops here: the story's copies
    // now are copies of what it has become, not of what it was.
    const story = await this.read(record.id);
    if (!story || story.revision !== record.revision || story.duplicateOf || !story.leaving || story.fingerprint !== record.fingerprint) throw conditionalFailure(record.id);
    const incarnation = incarnationOf(story);
    // The group as it stands once no copy can attach any more. A member stays in it while it
    // points at the story or at another member, linked to the fingerprint that one has (a copy
    // re-pointed at a successor that then left on its own is still in it); one that left, or
    // linked to the story as it is after its move, or joined another story, is not.
    const group = new Set(Object.keys(story.alsoSeenIn ?? {}));
    for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt++) {
      const byId = await this.readMany([...group], true);
      const records = [...byId.values()];
      const fingerprintOf = (id: string) => (id === story.id ? story.fingerprint : byId.get(id)?.fingerprint);
      const promoted = records.find((r) => !r.duplicateOf && r.promotedFrom === incarnation);
      const members = records.filter(
        (r) =>
          r.relevant &&
          r.duplicateOf !== undefined &&
          (r.duplicateOf === story.id || group.has(r.duplicateOf)) &&
          (r.linkedFingerprint === undefined ? r.duplicateOf === story.id : r.linkedFingerprint === fingerprintOf(r.duplicateOf)),
      );
      const ordered = members.sort((a, b) => (comesBefore(a, b) ? -1 : 1));
      const successor = promoted ?? ordered[0];
      if (!successor) return undefined;
      if (!promoted && !(await this.readObject(articleVersionKey(successor.id, successor.revision)))) return null;

      // The others point at the successor (re-pointed once more if it left meanwhile).
      const others = ordered.filter((m) => m.id !== successor.id);
      for (const m of others) {
        if (m.duplicateOf !== successor.id) await this.repoint(m.id, m.duplicateOf as string, successor.id, successor.fingerprint, false, m.linkedFingerprint);
      }
      if (promoted) return promoted.id;
      // The successor points straight at the story, then becomes a story itself.
      if (successor.duplicateOf !== story.id) await this.repoint(successor.id, successor.duplicateOf as string, story.id, story.fingerprint, false, successor.linkedFingerprint);
      const entries = Object.fromEntries(Object.entries(story.alsoSeenIn ?? {}).filter(([k]) => others.some((m) => m.id === k)));
      const pointed = successor.duplicateOf === story.id ? successor : { ...successor, duplicateOf: story.id, linkedFingerprint: story.fingerprint };
      if (await this.promote(pointed, entries, incarnation)) {
        // Copies that pointed at it through the story's alsoSeenIn are now listed by it; any
        // re-pointed at it that this attempt did not see are picked up by the next one.
        return successor.id;
      }
      // It changed meanwhile (left on its own): choose again.
    }
    throw new Error(`article ${story.id}: could not hand its copies over: concurrent changes kept conflicting`);
  }

  /**
   * A copy becomes a story: its text (its revision under versions/) becomes its article object,
   * then its pointers, then its record (the commit, on condition that it still points where it
   * did and is at that revision). Stays `pending` until linked. Without its kept text (a copy
   * stored before every revision was kept) nothing happens.
   */
  private async promote(copy: IndexRecord, alsoSeenIn?: Record<string, AlsoSeenRef>, from?: string): Promise<boolean> {
    if (!copy.duplicateOf) return false;
    // Still the copy it was read as (linked to the same story as it was)? A late worker stops
    // here before it writes anything; the conditional commit below settles any race after.
    const current = await this.read(copy.id);
    if (!current || !sameLink(current, copy)) return false;
    const text = await this.readObject(articleVersionKey(copy.id, copy.revision));
    if (!text) return false;
    const objectKey = articleObjectKey(text.publishedAt, copy.id);
    const sortKey = publishedKey(copy.publishedAt, copy.id);
    await this.putObject(objectKey, text, copy.revision);
    await this.addDay(dayOf(copy.publishedAt));
    await batchWrite(this.dynamo, this.config.table, countryWrites(copy.countries, sortKey, copy.id), this.retry);
    const names: Record<string, string> = {
      '#obj': 'objectKey', '#day': 'dayKey', '#feed': 'feedKey', '#pub': 'publishedKey', '#pending': 'pending',
      '#dup': 'duplicateOf', '#linked': 'linkedFingerprint', '#rev': 'revision', '#also': 'alsoSeenIn',
    };
    const values: Record<string, unknown> = {
      ':obj': objectKey, ':day': dayOf(copy.publishedAt), ':feed': copy.feedId, ':pub': sortKey,
      ':true': true, ':story': copy.duplicateOf, ':rev': copy.revision, ':also': alsoSeenIn ?? {},
    };
    // Only a hand-over's successor carries promotedFrom (a copy that reroots itself does not).
    names['#from'] = 'promotedFrom';
    if (from) values[':from'] = from;
    let condition = '#dup = :story AND #rev = :rev';
    if (copy.linkedFingerprint !== undefined) {
      condition += ' AND #linked = :linked';
      values[':linked'] = copy.linkedFingerprint;
    } else condition += ' AND attribute_not_exists(#linked)';
    try {
      await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.config.table,
          Key: marshall({ pk: articlePk(copy.id), sk: ARTICLE_SK }),
          UpdateExpression: `SET #obj = :obj, #day = :day, #feed = :feed, #pub = :pub, #pending = :true${from ? ', #from = :from' : ''}, #also = ${alsoSeenIn ? ':also' : 'if_not_exists(#also, :also)'} REMOVE #dup, #linked${from ? '' : ', #from'}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: marshall(values),
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
      // The copy changed meanwhile (its own change committed): what was just written to
      // articles/ is stray (it is still a copy) or older than its committed revision.
      await this.dropStrayObject(copy.id, objectKey);
      // Promoted already by an earlier attempt (a redelivery): go on. Otherwise it changed.
      const now = await this.read(copy.id);
      if (!now || now.duplicateOf || now.revision !== copy.revision || now.promotedFrom !== from) return false;
    }
    // A racing worker that saw it as a copy may have deleted or replaced the object meanwhile.
    await this.settle(copy.id);
    return true;
  }

  /**
   * A copy whose story moved away (or is moving: `leaving`) before it could attach finds its
   * place again, without a new revision: the copy of an earlier story near it, or a story
   * itself. Then link() joins it with whatever else is near.
   */
  private async reroot(id: string): Promise<void> {
    for (let attempt = 0; attempt < CONFLICT_ATTEMPTS; attempt++) {
      const record = await this.read(id);
      if (!record?.duplicateOf) return;
      const canonical = (await this.neighbours(record)).map((n) => n.root).find((root) => root.id !== id && comesBefore(root, record));
      try {
        if (!canonical) {
          if (!(await this.promote(record))) continue;
          // A story now, `pending` until linked: link it here, since the worker that reached it
          // (sweeping or joining another item) may be the only one that ever will; its own
          // feed may not change again.
          await this.link(id);
          return;
        }
        await this.repoint(id, record.duplicateOf, canonical.id, canonical.fingerprint, true);
        const fresh = await this.read(id);
        if (fresh && (await this.attach(fresh))) return;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    }
    throw new Error(`article ${id}: could not find its story again: concurrent changes kept conflicting`);
  }

  /**
   * Drop from a story's alsoSeenIn the entries of items that are no longer its copies. Run
   * after a copy leaves or a story hands over: when both happen at once in one group, the
   * entry one of them copied may name an item the other has just moved.
   */
  private async prune(storyId: string): Promise<void> {
    const story = await this.read(storyId);
    if (!story || story.duplicateOf) return;
    for (const id of Object.keys(story.alsoSeenIn ?? {})) {
      if ((await this.findRoot(id))?.id === storyId) continue;
      await this.removeAlsoSeen(storyId, id);
    }
  }

  /** A copy pointing at `from` points at `to` (whose fingerprint it then links to); a copy that moved on meanwhile is left alone (or, with `strict`, the conditional failure is thrown). */
  private async repoint(id: string, from: string, to: string, toFingerprint: string | undefined, strict = false, fromFingerprint?: string): Promise<void> {
    // With `fromFingerprint`: only while it is still linked to that fingerprint of `from` (the
    // story as it was, not what it has become since).
    const linked = fromFingerprint === undefined ? '' : ' AND #linked = :was';
    try {
      await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.config.table,
          Key: marshall({ pk: articlePk(id), sk: ARTICLE_SK }),
          UpdateExpression: toFingerprint ? 'SET #dup = :to, #linked = :fp' : 'SET #dup = :to REMOVE #linked',
          ConditionExpression: `#dup = :from${linked}`,
          ExpressionAttributeNames: { '#dup': 'duplicateOf', '#linked': 'linkedFingerprint' },
          ExpressionAttributeValues: marshall({ ':to': to, ':from': from, ...(toFingerprint ? { ':fp': toFingerprint } : {}), ...(fromFingerprint === undefined ? {} : { ':was': fromFingerprint }) }),
        }),
      );
    } catch (error) {
      if (strict || !isConditionalFailure(error)) throw error;
    }
  }

  /** Deletes of the band items of `record`'s fingerprint, except those the new fingerprint (`kept`, under `rank`) writes again. */
  private staleBands(record: IndexRecord, kept: ReadonlySet<string>, rank: string): WriteRequest[] {
    if (!record.fingerprint || !record.rank) return [];
    return bands(record.fingerprint, this.nearDuplicate)
      .filter((band) => !(rank === record.rank && kept.has(band)))
      .map((band) => ({ DeleteRequest: { Key: marshall({ pk: fingerprintPk(band), sk: record.rank as string }) } }));
  }

  /**
   * A copy of another story changed upstream. Still the same story (its new text is near its
   * own fingerprint): the next revision, kept under versions/, and its entry in
   * the story's alsoSeenIn refreshed. Now another story (a feed reused the URL, or it is no
   * longer relevant): it leaves its story, so nothing it used to say hides what it says now.
   * Its own copies (if it was a story once) move to its story, its entry is removed from the
   * chain of alsoSeenIn, and it is stored as a new item on its record's revision, with a new
   * fingerprint: as its own story (S3 first, the record last), as a copy of another one, or as
   * not relevant. Every step before the commit can be redone by a redelivery.
   *
   * The rule is the same for a story (see update and handOver): an item keeps its fingerprint
   * while its text stays near it, and leaves its group when it does not. Each item's
   * fingerprint thus depends only on its own texts, and the result not on the order in which
   * the changes of several items arrive.
   */
  private async updateCopy(article: Article, itemHash: string, enrichment: string, record: IndexRecord): Promise<PutOutcome> {
    const id = article.id;
    const fp = articleFingerprint(article, this.nearDuplicate);
    const root = await this.findRoot(id);
    const near = (hash: string | undefined, shingles: number | undefined) => hash !== undefined && isNearDuplicate(fp, { hash, shingles: shingles ?? 0 }, this.nearDuplicate);
    const sameStory = article.relevance.relevant && root !== undefined && root.id !== id && near(record.fingerprint, record.shingles);
    if (sameStory) {
      const revision = record.revision + 1;
      await this.putObject(articleVersionKey(id, revision), article, revision);
      await this.updateRecord(id, { ...this.fields(article, itemHash, enrichment), revision, pending: true }, [], 'revision = :prev AND duplicateOf = :dup', record.revision, { ':dup': record.duplicateOf });
      // Refreshes its entry in its story's alsoSeenIn (title, URL, time) and clears `pending`.
      await this.link(id);
      return 'updated';
    }
    // `pending` first: should the worker die between leaving and committing, and the text go
    // back meanwhile, the next delivery finds the item unchanged but pending, and links it again.
    if (!record.pending) await this.updateRecord(id, { pending: true }, [], 'revision = :prev AND duplicateOf = :dup', record.revision, { ':dup': record.duplicateOf });
    await this.adoptChildren(record);
    await this.detach(record);
    const outcome = await this.insert(article, itemHash, enrichment, record, { ...leftOf(record), pending: true });
    // The old fingerprint's bands (a band of the new one under the same key stays).
    const kept = new Set(article.relevance.relevant ? bands(fp.hash, this.nearDuplicate) : []);
    await batchWrite(this.dynamo, this.config.table, this.staleBands(record, kept, publishedKey(article.publishedAt, id)), this.retry);
    // A relevant item was linked by insert (which swept); one that is not relevant is linked here.
    if (outcome === 'irrelevant') await this.link(id);
    if (root && root.id !== id) await this.prune(root.id);
    return outcome;
  }

  /** Copies listed under `record` that point at it (linked while it was a story) now point where it points. */
  private async adoptChildren(record: IndexRecord): Promise<void> {
    const parent = record.duplicateOf;
    const listed = Object.keys(record.alsoSeenIn ?? {});
    if (!parent || listed.length === 0) return;
    for (const child of (await this.readMany(listed, true)).values()) {
      if (child.duplicateOf === record.id) await this.repoint(child.id, record.id, parent, (await this.read(parent))?.fingerprint);
    }
  }

  /** Remove `record`'s own entry from the alsoSeenIn of every story up its duplicateOf chain. */
  private async detach(record: IndexRecord): Promise<void> {
    let target = record.duplicateOf;
    for (let depth = 0; target; depth++) {
      if (depth >= MAX_CHAIN) throw new Error(`article ${record.id}: duplicateOf chain longer than ${MAX_CHAIN}`);
      await this.removeAlsoSeen(target, record.id);
      target = (await this.read(target))?.duplicateOf;
    }
  }

  /**
   * The newest version kept under versions/ of an item with no object: one stored as a copy
   * and no longer about the region (versions are written for relevant revisions only, and never
   * deleted). An item never relevant has none.
   */
  private async lastVersion(record: IndexRecord): Promise<Article | undefined> {
    for (let revision = record.revision; revision >= 1; revision--) {
      const version = await this.readObject(articleVersionKey(record.id, revision));
      if (version) return version;
    }
    return undefined;
  }

  /** Drop `itemId`'s entry from the alsoSeenIn of `storyId` (a record without the map is left alone). */
  private async removeAlsoSeen(storyId: string, itemId: string): Promise<void> {
    try {
      await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.config.table,
          Key: marshall({ pk: articlePk(storyId), sk: ARTICLE_SK }),
          UpdateExpression: 'REMOVE #also.#id',
          ConditionExpression: 'attribute_exists(#also)',
          ExpressionAttributeNames: { '#also': 'alsoSeenIn', '#id': itemId },
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  private fields(article: Article, itemHash: string, enrichment: string) {
    return {
      id: article.id,
      title: article.title,
      url: article.url,
      feedId: article.feedId,
      publishedAt: article.publishedAt,
      updatedAt: article.fetchedAt,
      countries: [...article.relevance.countries],
      score: article.relevance.score,
      relevant: article.relevance.relevant,
      itemHash,
      contentHash: article.contentHash,
      enrichmentHash: enrichment,
      classifierVersion: article.relevance.classifierVersion,
      schemaVersion: article.schemaVersion,
    };
  }

  private bandWrites(id: string, rank: string, fp: Fingerprint): WriteRequest[] {
    return bands(fp.hash, this.nearDuplicate).map((band) => ({
      PutRequest: { Item: marshall({ pk: fingerprintPk(band), sk: rank, id, fingerprint: fp.hash, shingles: fp.shingles }) },
    }));
  }

  private async putRecord(record: Record<string, unknown>, condition: { expression: string; previous?: number; duplicateOf?: string }): Promise<void> {
    const values = { ...(condition.previous !== undefined ? { ':prev': condition.previous } : {}), ...(condition.duplicateOf !== undefined ? { ':dup': condition.duplicateOf } : {}) };
    await this.dynamo.send(
      new PutItemCommand({
        TableName: this.config.table,
        Item: marshall({ pk: articlePk(record['id'] as string), sk: ARTICLE_SK, ...record }, { removeUndefinedValues: true }),
        ConditionExpression: condition.expression,
        ...(Object.keys(values).length > 0 ? { ExpressionAttributeValues: marshall(values) } : {}),
      }),
    );
  }

  /** SET every field and REMOVE `remove`, on condition; names go through placeholders (no reserved-word surprises). */
  private async updateRecord(id: string, set: Record<string, unknown>, remove: readonly string[], condition: string, previous: number, conditionValues: Record<string, unknown> = {}): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':prev': previous, ...conditionValues };
    const sets = Object.entries(set)
      .filter(([, v]) => v !== undefined)
      .map(([k, v], i) => {
        names[`#s${i}`] = k;
        values[`:s${i}`] = v;
        return `#s${i} = :s${i}`;
      });
    const removes = remove.map((k, i) => {
      names[`#r${i}`] = k;
      return `#r${i}`;
    });
    await this.dynamo.send(
      new UpdateItemCommand({
        TableName: this.config.table,
        Key: marshall({ pk: articlePk(id), sk: ARTICLE_SK }),
        UpdateExpression: [sets.length ? `SET ${sets.join(', ')}` : '', removes.length ? `REMOVE ${removes.join(', ')}` : ''].filter(Boolean).join(' '),
        ConditionExpression: condition,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }),
      }),
    );
  }

  private async recordClassifier(id: string, version: string, revision: number): Promise<void> {
    await this.dynamo.send(
      new UpdateItemCommand({
        TableName: this.config.table,
        Key: marshall({ pk: articlePk(id), sk: ARTICLE_SK }),
        UpdateExpression: 'SET #cv = :cv',
        ConditionExpression: '#rev = :prev',
        ExpressionAttributeNames: { '#cv': 'classifierVersion', '#rev': 'revision' },
        ExpressionAttributeValues: marshall({ ':cv': version, ':prev': revision }),
      }),
    );
  }

  private async addDay(day: string): Promise<void> {
    await this.dynamo.send(
      new UpdateItemCommand({
        TableName: this.config.table,
        Key: marshall({ pk: META_PK, sk: DAYS_SK }),
        UpdateExpression: 'ADD #days :day',
        ExpressionAttributeNames: { '#days': 'days' },
        ExpressionAttributeValues: { ':day': { SS: [day] } },
      }),
    );
  }

  /** The article as one line of JSON (Athena's JSON SerDe reads one object per line), with its length. */
  private async putObject(key: string, article: Article, revision: number): Promise<void> {
    const body = Buffer.from(`${JSON.stringify(article)}\n`, 'utf8');
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: key,
        Body: body,
        ContentLength: body.length,
        ContentType: 'application/json; charset=utf-8',
        Metadata: objectMetadata(article, revision, body),
      }),
    );
  }

  /**
   * Every revision is written to versions/ when it is stored, but a story stored before that
   * rule has its current revision only under articles/: copy it there before it is replaced
   * or removed (once: a versions/ object already there is kept).
   */
  private async keepLegacyVersion(record: Pick<IndexRecord, 'id' | 'revision' | 'objectKey'>): Promise<void> {
    if (!record.objectKey) return;
    const versionKey = articleVersionKey(record.id, record.revision);
    if ((await this.objectRevision(versionKey)) !== undefined) return;
    const current = await this.getObject(record.objectKey);
    if (!current || Number(current.metadata['revision'] ?? record.revision) !== record.revision) return;
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.config.bucket, Key: versionKey, Body: current.body, ContentLength: current.body.length, ContentType: 'application/json; charset=utf-8', Metadata: current.metadata }),
    );
  }

  /**
   * An object and its metadata, checked against the sha256 its writer recorded: a body that
   * does not match (read while being replaced, on a store without atomic writes such as the
   * local emulator) is read again, never copied to versions/.
   */
  private async getObject(key: string): Promise<{ body: Buffer; metadata: Record<string, string> } | undefined> {
    for (let attempt = 0; attempt < this.retry.attempts; attempt++) {
      if (attempt > 0) await this.retry.sleep(retryDelay(this.retry, attempt));
      let out: GetObjectCommandOutput;
      try {
        out = await this.s3.send(new GetObjectCommand({ Bucket: this.config.bucket, Key: key }));
      } catch (error) {
        if (error instanceof Error && (error.name === 'NoSuchKey' || error.name === 'NotFound')) return undefined;
        throw error;
      }
      let bytes: Uint8Array | undefined;
      try {
        bytes = await out.Body?.transformToByteArray();
      } catch {
        // The body broke off (read while the object was being replaced, on the emulator): read again.
        continue;
      }
      if (!bytes) return undefined;
      const body = Buffer.from(bytes);
      const metadata = out.Metadata ?? {};
      const expected = metadata['body-sha256'];
      if (!expected || createHash('sha256').update(body).digest('hex') === expected) return { body, metadata };
    }
    throw new Error(`object ${key}: its body did not match its recorded sha256 in ${this.retry.attempts} reads`);
  }

  private async readObject(key: string): Promise<Article | undefined> {
    const object = await this.getObject(key);
    return object ? (JSON.parse(object.body.toString('utf8')) as Article) : undefined;
  }

  // ---- near-duplicate linking ------------------------------------------------------------

  /**
   * After a commit: join the item's story with every committed near-duplicate's, and make sure
   * a duplicate is listed by its canonical story. Returns whether the item is canonical.
   */
  private async link(id: string): Promise<boolean> {
    let record = await this.read(id);
    if (!record) return false;
    if (record.leaving && !record.duplicateOf) {
      // A move that never committed (a committed one clears `leaving`), and the item is back to
      // the text it had (else this would be its update, not its linking): it stays the story it
      // was. Copies already handed over to a successor come back as that story's neighbours.
      await this.updateRecord(id, {}, ['leaving'], 'revision = :prev AND attribute_not_exists(duplicateOf)', record.revision).catch((error: unknown) => {
        if (!isConditionalFailure(error)) throw error;
      });
      // Its object may hold the text the crashed move wrote before its commit: back to the
      // committed revision (kept under versions/).
      await this.settle(id);
      record = await this.read(id);
      if (!record) return false;
    }
    if (record.leftoverKey) await this.tidy(record);
    if (record.leftFingerprint) {
      const left = record.leftFingerprint;
      await this.sweep({ hash: left.hash, shingles: left.shingles }, left.publishedAt, id);
      await this.updateRecord(id, {}, ['leftFingerprint'], 'revision = :prev', record.revision).catch((error: unknown) => {
        if (!isConditionalFailure(error)) throw error;
      });
    }
    if (record.relevant && record.fingerprint) {
      if (record.duplicateOf && !(await this.attach(record))) await this.reroot(id);
      for (const { record: other } of await this.neighbours(record)) await this.union(record.id, other.id);
    }
    if (record.pending) await this.clearPending(id, record.revision);
    return !(await this.read(id))?.duplicateOf;
  }

  /** Ids whose band items lie within the near-duplicate distance of `self` and the time window around `publishedAt`. */
  private async nearIds(self: Fingerprint, publishedAt: string, exceptId: string): Promise<Set<string>> {
    const window = this.nearDuplicate.windowDays * 86_400_000;
    const at = Date.parse(publishedAt);
    const from = new Date(at - window).toISOString();
    const to = `${new Date(at + window).toISOString()}\uffff`;
    const ids = new Set<string>();
    // One query per band, in parallel: each is a small partition (one band value, a few days).
    await Promise.all(
      bands(self.hash, this.nearDuplicate).map(async (band) => {
        for await (const page of queryPages(this.dynamo, {
          TableName: this.config.table,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: marshall({ ':pk': fingerprintPk(band), ':from': from, ':to': to }),
          ConsistentRead: true,
        })) {
          for (const item of page.items) {
            const other = unmarshall(item) as { id: string; fingerprint: string; shingles: number };
            if (other.id !== exceptId && isNearDuplicate(self, { hash: other.fingerprint, shingles: other.shingles }, this.nearDuplicate)) ids.add(other.id);
          }
        }
      }),
    );
    return ids;
  }

  /**
   * After an item left a fingerprint (it moved, or a copy was unlinked): every copy near that
   * fingerprint whose link is now stale (it points, directly or up its chain, at a story that
   * no longer has the fingerprint it linked to, or is leaving) finds its place again. The one
   * who invalidates links sweeps after its commit, and a hand-over sweeps after its own
   * re-pointing, so a copy re-pointed at a successor that moved meanwhile is not stranded.
   */
  private async sweep(old: Fingerprint, publishedAt: string, exceptId: string): Promise<void> {
    const ids = await this.nearIds(old, publishedAt, exceptId);
    for (const record of (await this.readMany([...ids], true)).values()) {
      if (!record.duplicateOf) continue;
      const stale = await this.staleLink(record.id);
      if (stale) await this.reroot(stale);
    }
  }

  /** Committed relevant items near `record` (by fingerprint, within the time window), with their canonical roots. */
  private async neighbours(record: Pick<IndexRecord, 'id' | 'publishedAt' | 'fingerprint' | 'shingles'>): Promise<{ record: IndexRecord; root: IndexRecord }[]> {
    if (!record.fingerprint) return [];
    const self: Fingerprint = { hash: record.fingerprint, shingles: record.shingles ?? 0 };
    const ids = await this.nearIds(self, record.publishedAt, record.id);
    // A band item left by a fingerprint the record no longer has (it was unlinked and taken
    // again) counts only if the record's current fingerprint is near too.
    const found = [...(await this.readMany([...ids], true)).values()].filter(
      (r) => r.relevant && r.fingerprint && isNearDuplicate(self, { hash: r.fingerprint, shingles: r.shingles ?? 0 }, this.nearDuplicate),
    );
    const out: { record: IndexRecord; root: IndexRecord }[] = [];
    for (const r of found.sort((a, b) => a.id.localeCompare(b.id))) {
      // A copy whose story moved away is in no group until it finds its place again.
      if (r.duplicateOf && (await this.staleLink(r.id))) continue;
      const root = r.duplicateOf ? await this.findRoot(r.id) : r;
      // A story handing its copies over (handOver) takes no new ones meanwhile.
      if (root?.relevant && !root.leaving) out.push({ record: r, root });
    }
    return out;
  }

  /**
   * The first copy along `id`'s duplicateOf chain whose link is stale: the story it points at
   * no longer has the fingerprint it linked to, or is leaving (handOver). Undefined when the
   * chain is sound (copies linked before linkedFingerprint existed count as sound).
   */
  private async staleLink(id: string): Promise<string | undefined> {
    let record = await this.read(id);
    for (let depth = 0; record?.duplicateOf; depth++) {
      if (depth >= MAX_CHAIN) throw new Error(`article ${id}: duplicateOf chain longer than ${MAX_CHAIN}`);
      const parent = await this.read(record.duplicateOf);
      if (!parent || parent.leaving || (record.linkedFingerprint !== undefined && parent.fingerprint !== record.linkedFingerprint)) return record.id;
      record = parent;
    }
    return undefined;
  }

  /** Follow duplicateOf to the canonical story. */
  private async findRoot(id: string): Promise<IndexRecord | undefined> {
    let record = await this.read(id);
    for (let depth = 0; record?.duplicateOf; depth++) {
      if (depth >= MAX_CHAIN) throw new Error(`article ${id}: duplicateOf chain longer than ${MAX_CHAIN}`);
      record = await this.read(record.duplicateOf);
    }
    return record;
  }

  /** Put the stories of `a` and `b` together: the later root becomes a duplicate of the earlier. */
  private async union(a: string, b: string): Promise<void> {
    for (let attempt = 0; attempt < CONFLICT_ATTEMPTS * 2; attempt++) {
      // A copy whose story moved away since it linked first finds its place again: its group
      // is not the one its duplicateOf chain says.
      const stale = (await this.staleLink(a)) ?? (await this.staleLink(b));
      if (stale) {
        await this.reroot(stale);
        continue;
      }
      const [rootA, rootB] = [await this.findRoot(a), await this.findRoot(b)];
      if (!rootA || !rootB || rootA.id === rootB.id || !rootA.relevant || !rootB.relevant || rootA.leaving || rootB.leaving) return;
      // Near when the caller looked; still near now? (One of them may have left its story and
      // taken a new fingerprint since.)
      const [recA, recB] = [await this.read(a), await this.read(b)];
      if (!recA?.fingerprint || !recB?.relevant || !this.isNear({ hash: recA.fingerprint, shingles: recA.shingles ?? 0 }, recB)) return;
      const [early, late] = comesBefore(rootA, rootB) ? [rootA, rootB] : [rootB, rootA];
      try {
        await this.demote(late, early);
        return;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
    }
    throw new Error(`articles ${a} and ${b}: could not link them: concurrent changes kept conflicting`);
  }

  /**
   * Make canonical story `late` a duplicate of `early`: the record first (the commit), then
   * cleanup: its current object moves to versions/ (where its earlier versions stay), its
   * country pointers go (queries check pointers against records, so a crash before the
   * cleanup shows nothing twice), and it is listed by `early`. The commit marks the record
   * `pending` with the object's key (`leftoverKey`): a crash before the cleanup is finished by
   * the next `complete` of that item (its feed's next visit).
   */
  private async demote(late: IndexRecord, early: IndexRecord): Promise<void> {
    const names: Record<string, string> = { '#dup': 'duplicateOf', '#rev': 'revision', '#pending': 'pending' };
    VISIBLE_KEYS.forEach((k, i) => (names[`#v${i}`] = k));
    names['#obj'] = 'objectKey';
    const values: Record<string, unknown> = { ':early': early.id, ':rev': late.revision, ':true': true, ':linked': early.fingerprint };
    names['#linked'] = 'linkedFingerprint';
    if (late.objectKey) {
      names['#left'] = 'leftoverKey';
      values[':left'] = late.objectKey;
    }
    await this.dynamo.send(
      new UpdateItemCommand({
        TableName: this.config.table,
        Key: marshall({ pk: articlePk(late.id), sk: ARTICLE_SK }),
        UpdateExpression: `SET #dup = :early, #linked = :linked, #pending = :true${late.objectKey ? ', #left = :left' : ''} REMOVE ${VISIBLE_KEYS.map((_, i) => `#v${i}`).join(', ')}, #obj`,
        ConditionExpression: 'attribute_not_exists(#dup) AND #rev = :rev',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }),
      }),
    );
    const fresh = await this.read(late.id);
    if (!fresh) return;
    await this.tidy(fresh);
    if (!(await this.attach(fresh))) await this.reroot(late.id);
    await this.clearPending(late.id, late.revision);
  }

  /**
   * After a demotion: its article object leaves articles/ (its text stays under versions/),
   * its country pointers go, then the key is forgotten.
   */
  private async tidy(record: IndexRecord): Promise<void> {
    if (!record.duplicateOf) return;
    if (record.leftoverKey) {
      await this.keepLegacyVersion({ ...record, objectKey: record.leftoverKey });
      await this.deleteObject(record.leftoverKey);
    }
    if (record.countries.length > 0) await batchWrite(this.dynamo, this.config.table, record.countries.map((c) => deletePointer(record.id, c)), this.retry);
    if (record.leftoverKey) {
      await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.config.table,
          Key: marshall({ pk: articlePk(record.id), sk: ARTICLE_SK }),
          UpdateExpression: 'REMOVE #left',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#left': 'leftoverKey' },
        }),
      );
      // Promoted back meanwhile? Then its object is written again.
      await this.settle(record.id);
    }
  }

  /**
   * The linking of `revision` is done. Not while a later step is unfinished: a new revision, a
   * move (`leaving`) or a demotion's cleanup (`leftoverKey`) keeps its own `pending`.
   */
  private async clearPending(id: string, revision: number): Promise<void> {
    try {
      await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.config.table,
          Key: marshall({ pk: articlePk(id), sk: ARTICLE_SK }),
          UpdateExpression: 'REMOVE #pending',
          ConditionExpression: '#rev = :rev AND attribute_not_exists(#leaving) AND attribute_not_exists(#left)',
          ExpressionAttributeNames: { '#pending': 'pending', '#rev': 'revision', '#leaving': 'leaving', '#left': 'leftoverKey' },
          ExpressionAttributeValues: marshall({ ':rev': revision }),
        }),
      );
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
    }
  }

  /**
   * List a duplicate (and whatever was listed under it) in its canonical story's alsoSeenIn.
   * Written where duplicateOf points, then re-checked: if that story has meanwhile become a
   * duplicate itself, the entries are written further up, so none is lost to a race. Returns
   * false when the story it points at directly is no longer the one it linked to (its text
   * moved, or is moving: `leaving`): the caller reroots it.
   */
  private async attach(record: IndexRecord): Promise<boolean> {
    if (!record.duplicateOf) return true;
    const entries: [string, AlsoSeenRef][] = [[record.id, refOf(record)], ...Object.entries(record.alsoSeenIn ?? {})];
    let target: string | undefined = record.duplicateOf;
    for (let depth = 0; target; depth++) {
      if (depth >= MAX_CHAIN) throw new Error(`article ${record.id}: duplicateOf chain longer than ${MAX_CHAIN}`);
      // Where it points directly: only while that is still the story it linked to.
      const expect = depth === 0 ? record.linkedFingerprint : undefined;
      for (let i = 0; i < entries.length; i += 20) if (!(await this.addAlsoSeen(target, entries.slice(i, i + 20), expect))) return false;
      target = (await this.read(target))?.duplicateOf;
    }
    return true;
  }

  /** Add entries to a story's alsoSeenIn; with `linkedFingerprint`, only while it carries that fingerprint and is not leaving. */
  private async addAlsoSeen(target: string, entries: readonly [string, AlsoSeenRef][], linkedFingerprint?: string): Promise<boolean> {
    const names: Record<string, string> = { '#also': 'alsoSeenIn' };
    const values: Record<string, unknown> = {};
    const sets = entries.map(([id, ref], i) => {
      names[`#e${i}`] = id;
      values[`:e${i}`] = ref;
      return `#also.#e${i} = :e${i}`;
    });
    let condition = 'attribute_exists(#also)';
    if (linkedFingerprint) {
      condition += ' AND #fp = :fp AND attribute_not_exists(#leaving)';
      names['#fp'] = 'fingerprint';
      names['#leaving'] = 'leaving';
      values[':fp'] = linkedFingerprint;
    }
    const send = () =>
      this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.config.table,
          Key: marshall({ pk: articlePk(target), sk: ARTICLE_SK }),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: condition,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }),
        }),
      );
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await send();
        return true;
      } catch (error) {
        if (!isConditionalFailure(error)) throw error;
      }
      const story = await this.read(target);
      if (!story) return false;
      if (linkedFingerprint && (story.leaving || story.fingerprint !== linkedFingerprint)) return false;
      // A record written before alsoSeenIn existed: give it the (empty) map, then add.
      await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.config.table,
          Key: marshall({ pk: articlePk(target), sk: ARTICLE_SK }),
          UpdateExpression: 'SET #also = if_not_exists(#also, :empty)',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#also': 'alsoSeenIn' },
          ExpressionAttributeValues: { ':empty': { M: {} } },
        }),
      );
    }
    throw new Error(`article ${target}: could not add to its alsoSeenIn`);
  }

  /**
   * A copy has no object under articles/ (so Athena and S3 tools see each story once); its
   * versions, earlier and current, are under versions/ whichever order the copies arrived in.
   */
  private async deleteObject(objectKey: string | undefined): Promise<void> {
    if (objectKey) await this.s3.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: objectKey }));
  }

  /**
   * After an attempt whose commit lost (to a demotion, a promotion or a racing update): the
   * object it wrote to articles/ may be stray (the item is a copy) or not the committed
   * revision. Delete it if the item is a copy, then settle.
   */
  private async dropStrayObject(id: string, objectKey: string): Promise<void> {
    if ((await this.read(id))?.duplicateOf) await this.deleteObject(objectKey);
    await this.settle(id);
  }

  /**
   * Make articles/ agree with the record: a story's object holds its committed revision
   * (rebuilt from versions/ when a racing writer left another there); a copy has none. Run
   * after every step that may have raced another writer on the same key.
   */
  private async settle(id: string): Promise<void> {
    const record = await this.read(id);
    if (!record || record.duplicateOf || !record.objectKey) return;
    const revision = await this.objectRevision(record.objectKey);
    if (revision === record.revision) return;
    const kept = await this.getObject(articleVersionKey(id, record.revision));
    if (!kept) return;
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.config.bucket, Key: record.objectKey, Body: kept.body, ContentLength: kept.body.length, ContentType: 'application/json; charset=utf-8', Metadata: kept.metadata }),
    );
  }

  /** The revision an article object says it holds, or undefined when there is none. */
  private async objectRevision(key: string): Promise<number | undefined> {
    try {
      const head = await this.s3.send(new HeadObjectCommand({ Bucket: this.config.bucket, Key: key }));
      return Number(head.Metadata?.['revision'] ?? Number.NaN);
    } catch (error) {
      if (error instanceof Error && (error.name === 'NotFound' || error.name === 'NoSuchKey')) return undefined;
      throw error;
    }
  }

  // ---- reading ---------------------------------------------------------------------------

  private async read(id: string): Promise<IndexRecord | undefined> {
    const out = await this.dynamo.send(
      new GetItemCommand({ TableName: this.config.table, Key: marshall({ pk: articlePk(id), sk: ARTICLE_SK }), ConsistentRead: true }),
    );
    return out.Item ? (unmarshall(out.Item) as IndexRecord) : undefined;
  }

  private async readMany(ids: readonly string[], consistent: boolean): Promise<Map<string, IndexRecord>> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return new Map();
    const keys = unique.map((id) => marshall({ pk: articlePk(id), sk: ARTICLE_SK }));
    const items = await batchGet(this.dynamo, this.config.table, keys, undefined, this.retry, { consistent });
    return new Map(items.map((item) => {
      const record = unmarshall(item) as IndexRecord;
      return [record.id, record];
    }));
  }

  private async plan(query: ArticleQuery): Promise<Plan> {
    let from = query.since ?? '0000';
    let to = `${query.until ?? '9999'}\uffff`;
    if (query.day) {
      if (`${query.day}` > from) from = query.day;
      if (`${query.day}\uffff` < to) to = `${query.day}\uffff`;
    }
    if (query.country) return { index: 'byCountry', partitions: [query.country], from, to, country: query.country, feedId: query.feedId };
    if (query.feedId) return { index: 'byFeed', partitions: [query.feedId], from, to };
    if (query.day) return { index: 'byDay', partitions: [query.day], from, to };
    // No filter: walk the days that hold articles, newest first.
    const meta = await this.dynamo.send(new GetItemCommand({ TableName: this.config.table, Key: marshall({ pk: META_PK, sk: DAYS_SK }) }));
    const days = (meta.Item ? (unmarshall(meta.Item)['days'] as Set<string> | undefined) : undefined) ?? new Set<string>();
    const partitions = [...days].filter((d) => d >= dayOf(from) && d <= dayOf(to)).sort().reverse();
    return { index: 'byDay', partitions, from, to };
  }

  /** Matching rows in order, each with the key a cursor resumes after. */
  private async *rows(plan: Plan, cursor: string | undefined): AsyncGenerator<Row> {
    let first = 0;
    let startKey: Item | undefined;
    if (cursor) {
      const c = decodeCursor(cursor);
      first = plan.partitions.indexOf(c.p);
      if (c.i !== plan.index || first < 0) throw new BadInputError('cursor does not belong to this query (use it with the same options)', { value: cursor.slice(0, 40) });
      startKey = marshall(c.k);
    }
    const keys = ARTICLE_INDEXES[plan.index];
    for (let p = first; p < plan.partitions.length; p++) {
      const partition = plan.partitions[p] as string;
      for await (const page of queryPages(this.dynamo, {
        TableName: this.config.table,
        IndexName: plan.index,
        KeyConditionExpression: '#k = :k AND #s BETWEEN :from AND :to',
        ExpressionAttributeNames: { '#k': keys.partitionKey, '#s': keys.sortKey },
        ExpressionAttributeValues: marshall({ ':k': partition, ':from': plan.from, ':to': plan.to }),
        ScanIndexForward: false,
        ...(p === first && startKey ? { ExclusiveStartKey: startKey } : {}),
      })) {
        const rows = page.items.map((item) => unmarshall(item) as Record<string, string>);
        // Country items are pointers: check each against its record, so a pointer left by a
        // crash (or by a story that has since become a duplicate) never shows.
        const records = plan.country ? await this.readMany(rows.map((r) => r['id'] as string), false) : undefined;
        for (const row of rows) {
          const record = records ? records.get(row['id'] as string) : (row as unknown as IndexRecord);
          if (!record || !record.relevant || record.duplicateOf || record.publishedKey !== row['publishedKey']) continue;
          if (plan.country && !record.countries.includes(plan.country)) continue;
          if (plan.feedId && record.feedId !== plan.feedId) continue;
          const key: Record<string, string> = { pk: row['pk'] as string, sk: row['sk'] as string, [keys.partitionKey]: partition, [keys.sortKey]: row['publishedKey'] as string };
          yield { summary: toSummary(record), partition, key };
        }
      }
    }
  }
}

interface Plan {
  readonly index: ArticleIndexName;
  readonly partitions: readonly string[];
  readonly from: string;
  readonly to: string;
  readonly country?: string;
  readonly feedId?: string;
}

interface Row {
  readonly summary: ArticleSummary;
  readonly partition: string;
  readonly key: Record<string, string>;
}

interface Cursor {
  readonly i: ArticleIndexName;
  readonly p: string;
  readonly k: Record<string, string>;
}

function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(text: string): Cursor {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Cursor;
    if (typeof c.i === 'string' && typeof c.p === 'string' && c.k && typeof c.k === 'object' && Object.values(c.k).every((v) => typeof v === 'string')) return c;
  } catch {
    // reported below
  }
  throw new BadInputError(`not a query cursor: "${text.slice(0, 40)}"`, { value: text.slice(0, 40) });
}

/** What a move or an unlink records of the fingerprint it leaves (swept after the commit). */
function leftOf(record: Pick<IndexRecord, 'fingerprint' | 'shingles' | 'publishedAt'>): { leftFingerprint?: IndexRecord['leftFingerprint'] } {
  return record.fingerprint ? { leftFingerprint: { hash: record.fingerprint, shingles: record.shingles ?? 0, publishedAt: record.publishedAt } } : {};
}

/** A story as one incarnation: its id and the fingerprint it had (what a hand-over's successor was promoted from). */
function incarnationOf(story: Pick<IndexRecord, 'id' | 'fingerprint'>): string {
  return `${story.id}@${story.fingerprint ?? ''}`;
}

/** Whether two reads of a copy show the same link: same story, same linked fingerprint, same revision. */
function sameLink(a: Pick<IndexRecord, 'duplicateOf' | 'linkedFingerprint' | 'revision'>, b: Pick<IndexRecord, 'duplicateOf' | 'linkedFingerprint' | 'revision'>): boolean {
  return a.duplicateOf === b.duplicateOf && a.linkedFingerprint === b.linkedFingerprint && a.revision === b.revision;
}

/** The error a lost conditional write raises, for a step that finds by reading that it lost (the caller re-reads and tries again). */
function conditionalFailure(id: string): Error {
  return Object.assign(new Error(`article ${id}: changed by a concurrent writer`), { name: 'ConditionalCheckFailedException' });
}

function comesBefore(a: Pick<IndexRecord, 'rank' | 'id' | 'publishedAt'>, b: Pick<IndexRecord, 'rank' | 'id' | 'publishedAt'>): boolean {
  const ra = a.rank ?? publishedKey(a.publishedAt, a.id);
  const rb = b.rank ?? publishedKey(b.publishedAt, b.id);
  return ra < rb || (ra === rb && a.id < b.id);
}

function countryWrites(countries: readonly string[], sortKey: string, id: string): WriteRequest[] {
  return countries.map((code) => ({
    PutRequest: { Item: marshall({ pk: articlePk(id), sk: countrySk(code), countryKey: code, publishedKey: sortKey, id }) },
  }));
}

function deletePointer(id: string, code: string): WriteRequest {
  return { DeleteRequest: { Key: marshall({ pk: articlePk(id), sk: countrySk(code) }) } };
}

function objectMetadata(article: Article, revision: number, body: Buffer): Record<string, string> {
  return {
    'schema-version': String(article.schemaVersion),
    'article-id': article.id,
    revision: String(revision),
    'content-hash': article.contentHash,
    'body-sha256': createHash('sha256').update(body).digest('hex'),
  };
}

function refOf(record: IndexRecord): AlsoSeenRef {
  return { feedId: record.feedId, url: record.url, title: record.title, publishedAt: record.publishedAt };
}

function alsoSeenList(record: IndexRecord): AlsoSeen[] {
  return Object.entries(record.alsoSeenIn ?? {})
    .map(([id, ref]) => ({ id, feedId: ref.feedId, url: ref.url ?? null, title: ref.title, publishedAt: ref.publishedAt }))
    .sort((a, b) => a.publishedAt.localeCompare(b.publishedAt) || a.id.localeCompare(b.id));
}

function toSummary(record: IndexRecord): ArticleSummary {
  return {
    id: record.id,
    title: record.title,
    url: record.url ?? null,
    feedId: record.feedId,
    publishedAt: record.publishedAt,
    countries: [...(record.countries ?? [])],
    score: record.score,
    objectKey: record.objectKey ?? '',
    revision: record.revision,
    alsoSeenIn: alsoSeenList(record),
  };
}

function toKnown(record: IndexRecord): KnownItem {
  return {
    id: record.id,
    itemHash: record.itemHash,
    contentHash: record.contentHash,
    revision: record.revision,
    relevant: record.relevant,
    classifierVersion: record.classifierVersion,
    ...(record.duplicateOf ? { duplicateOf: record.duplicateOf } : {}),
    ...(record.objectKey ? { objectKey: record.objectKey } : {}),
    pending: record.pending === true,
  };
}
