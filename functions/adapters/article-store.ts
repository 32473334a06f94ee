import { createHash } from 'node:crypto';
import { GetItemCommand, PutItemCommand, UpdateItemCommand, type DynamoDBClient, type WriteRequest } from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type GetObjectCommandOutput, type S3Client } from '@aws-sdk/client-s3';
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
  articleVersionPrefix,
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
 * A change (same id, new content or new relevance) first copies the current object to
 * versions/articles/<id>/<revision>.json (once: the object's revision metadata says whether a
 * crashed attempt already replaced it), then overwrites the object, then moves the record to the
 * next revision.
 *
 * Cross-feed duplicates: a new relevant article's SimHash fingerprint is written as band items;
 * articles within the configured distance are the same story. Stories form a forest whose roots
 * are the canonical articles: the one published first (then the smaller id) wins, so the result
 * does not depend on which copy arrived first. A duplicate's record points at its canonical
 * story (`duplicateOf`), has no object of its own and no index keys, and is listed in the
 * canonical record's `alsoSeenIn`. Linking runs after the commit, with strongly consistent
 * reads, so of two racing copies the later committer always sees the earlier; a record keeps
 * `pending` until its linking has finished, and the next delivery finishes it.
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
  readonly alsoSeenIn?: Readonly<Record<string, AlsoSeenRef>>;
  readonly pending?: boolean;
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
    const article = root.objectKey ? await this.readObject(root.objectKey) : undefined;
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
  private async insert(article: Article, itemHash: string, enrichment: string, prior?: IndexRecord): Promise<PutOutcome> {
    const id = article.id;
    const revision = (prior?.revision ?? 0) + 1;
    const condition = prior ? { expression: 'revision = :prev', previous: prior.revision } : { expression: 'attribute_not_exists(pk)' };
    const base = {
      ...this.fields(article, itemHash, enrichment),
      revision,
      firstSeenAt: prior?.firstSeenAt ?? article.fetchedAt,
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
    if (canonical) {
      await batchWrite(this.dynamo, this.config.table, bandWrites, this.retry);
      await this.putRecord({ ...linked, duplicateOf: canonical.id }, condition);
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
      // that copy's cleanup: remove it, so articles/ holds each story once. (A copy never
      // gets an object back, so this cannot remove anything a record points at.)
      if (isConditionalFailure(error) && (await this.read(id))?.duplicateOf) await this.purgeCopy(id, objectKey);
      throw error;
    }
    return (await this.link(id)) ? 'stored' : 'duplicate';
  }

  /** A known item whose content or enrichment changed: the next revision. */
  private async update(article: Article, itemHash: string, enrichment: string, record: IndexRecord): Promise<PutOutcome> {
    const id = article.id;
    const revision = record.revision + 1;
    const fields = { ...this.fields(article, itemHash, enrichment), revision };
    if (record.duplicateOf) {
      // A copy of another story: it has no object; keep its record current.
      await this.updateRecord(id, fields, [], 'revision = :prev', record.revision);
      return 'updated';
    }
    if (!record.objectKey) {
      if (!article.relevance.relevant) {
        await this.updateRecord(id, fields, [], 'revision = :prev', record.revision);
        return 'irrelevant';
      }
      return this.insert(article, itemHash, enrichment, record);
    }

    const visible = article.relevance.relevant;
    const sortKey = publishedKey(article.publishedAt, id);
    await this.keepVersion(record.objectKey, id, record.revision);
    await this.putObject(record.objectKey, article, revision);
    if (visible) {
      await this.addDay(dayOf(article.publishedAt));
      await batchWrite(this.dynamo, this.config.table, countryWrites(article.relevance.countries, sortKey, id), this.retry);
    }
    try {
      await this.updateRecord(
        id,
        visible ? { ...fields, dayKey: dayOf(article.publishedAt), feedKey: article.feedId, publishedKey: sortKey } : fields,
        visible ? [] : VISIBLE_KEYS,
        'revision = :prev AND attribute_not_exists(duplicateOf)',
        record.revision,
      );
    } catch (error) {
      // Made a copy of another story meanwhile: what was just written may have landed after
      // that demotion's cleanup (see insert).
      if (isConditionalFailure(error) && (await this.read(id))?.duplicateOf) await this.purgeCopy(id, record.objectKey);
      throw error;
    }
    const kept = new Set(visible ? article.relevance.countries : []);
    const gone = record.countries.filter((c) => !kept.has(c));
    if (gone.length > 0) await batchWrite(this.dynamo, this.config.table, gone.map((c) => deletePointer(id, c)), this.retry);
    return 'updated';
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

  private async putRecord(record: Record<string, unknown>, condition: { expression: string; previous?: number }): Promise<void> {
    await this.dynamo.send(
      new PutItemCommand({
        TableName: this.config.table,
        Item: marshall({ pk: articlePk(record['id'] as string), sk: ARTICLE_SK, ...record }, { removeUndefinedValues: true }),
        ConditionExpression: condition.expression,
        ...(condition.previous !== undefined ? { ExpressionAttributeValues: marshall({ ':prev': condition.previous }) } : {}),
      }),
    );
  }

  /** SET every field and REMOVE `remove`, on condition; names go through placeholders (no reserved-word surprises). */
  private async updateRecord(id: string, set: Record<string, unknown>, remove: readonly string[], condition: string, previous: number): Promise<void> {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':prev': previous };
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
        UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
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
   * Copy the current object to versions/ before it is replaced, unless a crashed attempt already
   * replaced it (its revision metadata is then ahead of the record's, and the copy was made first).
   */
  private async keepVersion(key: string, id: string, revision: number): Promise<void> {
    const current = await this.getObject(key);
    if (!current) return;
    const objectRevision = Number(current.metadata['revision'] ?? revision);
    if (objectRevision !== revision) return;
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.config.bucket,
        Key: articleVersionKey(id, revision),
        Body: current.body,
        ContentLength: current.body.length,
        ContentType: 'application/json; charset=utf-8',
        Metadata: current.metadata,
      }),
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
      const bytes = await out.Body?.transformToByteArray();
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
    const record = await this.read(id);
    if (!record) return false;
    if (record.relevant && record.fingerprint) {
      if (record.duplicateOf) await this.attach(record);
      for (const { record: other } of await this.neighbours(record)) await this.union(record.id, other.id);
    }
    if (record.pending) {
      await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.config.table,
          Key: marshall({ pk: articlePk(id), sk: ARTICLE_SK }),
          UpdateExpression: 'REMOVE #pending',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#pending': 'pending' },
        }),
      );
    }
    return !(await this.read(id))?.duplicateOf;
  }

  /** Committed relevant items near `record` (by fingerprint, within the time window), with their canonical roots. */
  private async neighbours(record: Pick<IndexRecord, 'id' | 'publishedAt' | 'fingerprint' | 'shingles'>): Promise<{ record: IndexRecord; root: IndexRecord }[]> {
    if (!record.fingerprint) return [];
    const self: Fingerprint = { hash: record.fingerprint, shingles: record.shingles ?? 0 };
    const window = this.nearDuplicate.windowDays * 86_400_000;
    const at = Date.parse(record.publishedAt);
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
            if (other.id !== record.id && isNearDuplicate(self, { hash: other.fingerprint, shingles: other.shingles }, this.nearDuplicate)) ids.add(other.id);
          }
        }
      }),
    );
    const found = [...(await this.readMany([...ids], true)).values()].filter((r) => r.relevant && r.fingerprint);
    const out: { record: IndexRecord; root: IndexRecord }[] = [];
    for (const r of found.sort((a, b) => a.id.localeCompare(b.id))) {
      const root = r.duplicateOf ? await this.findRoot(r.id) : r;
      if (root?.relevant) out.push({ record: r, root });
    }
    return out;
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
      const [rootA, rootB] = [await this.findRoot(a), await this.findRoot(b)];
      if (!rootA || !rootB || rootA.id === rootB.id || !rootA.relevant || !rootB.relevant) return;
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
   * cleanup: its objects and its country pointers are deleted (queries check pointers against
   * records, so a crash before the cleanup shows nothing twice), and it is listed by `early`.
   */
  private async demote(late: IndexRecord, early: IndexRecord): Promise<void> {
    const names: Record<string, string> = { '#dup': 'duplicateOf', '#rev': 'revision' };
    VISIBLE_KEYS.forEach((k, i) => (names[`#v${i}`] = k));
    names['#obj'] = 'objectKey';
    await this.dynamo.send(
      new UpdateItemCommand({
        TableName: this.config.table,
        Key: marshall({ pk: articlePk(late.id), sk: ARTICLE_SK }),
        UpdateExpression: `SET #dup = :early REMOVE ${VISIBLE_KEYS.map((_, i) => `#v${i}`).join(', ')}, #obj`,
        ConditionExpression: 'attribute_not_exists(#dup) AND #rev = :rev',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: marshall({ ':early': early.id, ':rev': late.revision }),
      }),
    );
    await this.purgeCopy(late.id, late.objectKey);
    if (late.countries.length > 0) await batchWrite(this.dynamo, this.config.table, late.countries.map((c) => deletePointer(late.id, c)), this.retry);
    const fresh = await this.read(late.id);
    if (fresh) await this.attach(fresh);
  }

  /**
   * List a duplicate (and whatever was listed under it) in its canonical story's alsoSeenIn.
   * Written where duplicateOf points, then re-checked: if that story has meanwhile become a
   * duplicate itself, the entries are written further up, so none is lost to a race.
   */
  private async attach(record: IndexRecord): Promise<void> {
    if (!record.duplicateOf) return;
    const entries: [string, AlsoSeenRef][] = [[record.id, refOf(record)], ...Object.entries(record.alsoSeenIn ?? {})];
    let target: string | undefined = record.duplicateOf;
    for (let depth = 0; target; depth++) {
      if (depth >= MAX_CHAIN) throw new Error(`article ${record.id}: duplicateOf chain longer than ${MAX_CHAIN}`);
      for (let i = 0; i < entries.length; i += 20) await this.addAlsoSeen(target, entries.slice(i, i + 20));
      target = (await this.read(target))?.duplicateOf;
    }
  }

  private async addAlsoSeen(target: string, entries: readonly [string, AlsoSeenRef][]): Promise<void> {
    const names: Record<string, string> = { '#also': 'alsoSeenIn' };
    const values: Record<string, unknown> = {};
    const sets = entries.map(([id, ref], i) => {
      names[`#e${i}`] = id;
      values[`:e${i}`] = ref;
      return `#also.#e${i} = :e${i}`;
    });
    const send = () =>
      this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.config.table,
          Key: marshall({ pk: articlePk(target), sk: ARTICLE_SK }),
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: 'attribute_exists(#also)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: marshall(values, { removeUndefinedValues: true }),
        }),
      );
    try {
      await send();
    } catch (error) {
      if (!isConditionalFailure(error)) throw error;
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
      await send();
    }
  }

  /**
   * A copy keeps no objects: its article object and any earlier versions go. Its text is
   * near-identical to its story's and its feed bodies are kept under raw/; without this, the
   * objects left would depend on the order in which the copies arrived. (In AWS the bucket is
   * versioned, so even these deletes keep a noncurrent version.)
   */
  private async purgeCopy(id: string, objectKey: string | undefined): Promise<void> {
    const keys = objectKey ? [objectKey] : [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(
        new ListObjectsV2Command({ Bucket: this.config.bucket, Prefix: articleVersionPrefix(id), ...(token ? { ContinuationToken: token } : {}) }),
      );
      keys.push(...(page.Contents ?? []).flatMap((o) => (o.Key ? [o.Key] : [])));
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    for (const key of keys) await this.s3.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: key }));
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
