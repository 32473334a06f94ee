import { parseArgs } from 'node:util';
import { S3DynamoArticleStore } from '../../functions/adapters/article-store';
import { S3RawStore } from '../../functions/adapters/raw-store';
import { parseFeedDate } from '../../functions/core/dates';
import type { ArticleDraft } from '../../functions/core/model';
import { enrichArticle } from '../../functions/core/pipeline';
import { classifierForScope, defaultClassifier } from '../../functions/core/relevance/classify';
import { reprocess } from '../../functions/ingest/reprocess';
import { silentLogger } from '../../functions/ingest/ports';
import { STORE_OPTIONS, withStore } from '../store-target';
import { UsageError, writeJson, type Io } from '../io';

/**
 * `wbnews reprocess [--since ISO] [--feed ID] [--data DIR | --bucket B --articles-table T ...]`:
 * run relevance and takeaways again over the kept raw feed bodies, and over the stored articles
 * of the stories whose raw input has expired, and store what changed. stdout: one JSON line per
 * changed item (`{"type":"change","source":"raw"|"stored","id","feedId","change",...}`) and a
 * summary line (`{"type":"summary",...,"fromStored":{...}}`). Running it again with the same
 * classifier changes nothing. RELEVANCE_SCOPE (as the ingest Lambda reads it) sets the
 * classifier's country scope, so a deployment with its own scope is reprocessed with it.
 */
export async function reprocessCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { since: { type: 'string' }, feed: { type: 'string' }, ...STORE_OPTIONS },
  });
  const since = values.since === undefined ? undefined : parseFeedDate(values.since);
  if (since === null) throw new UsageError(`--since must be an ISO-8601 date or time such as 2026-11-01 (got "${values.since}")`);
  if (values.feed !== undefined && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(values.feed)) throw new UsageError(`--feed must be a feed id (got "${values.feed}")`);
  const env = io.env ?? process.env;
  const scope = env['RELEVANCE_SCOPE']?.trim();
  const classifier = scope ? classifierForScope(scope.split(',').map((c) => c.trim().toUpperCase()), 'RELEVANCE_SCOPE') : defaultClassifier;

  return withStore(values, env, true, async (target) => {
    const summary = await reprocess(
      { since, feedId: values.feed },
      {
        raw: new S3RawStore(target.s3, target.names.bucket),
        articles: new S3DynamoArticleStore(target.s3, target.dynamo, { bucket: target.names.bucket, table: target.names.articlesTable }),
        logger: silentLogger,
        // As the ingest worker does: takeaways only for relevant items.
        enrich: (draft: ArticleDraft) => enrichArticle(draft, classifier, { takeawaysFor: 'relevant' }),
        classifierVersion: classifier.version,
      },
      (event) => writeJson(io, { type: 'change', ...event }),
    );
    writeJson(io, { type: 'summary', ...summary });
    const stored = summary.fromStored;
    io.stderr.write(
      `reprocessed ${summary.rawBodies} feed bodies, ${summary.items} items with ${summary.classifierVersion}: ` +
        `added ${summary.added}, duplicates ${summary.duplicates}, updated ${summary.updated}, withdrawn ${summary.withdrawn}, ` +
        `reclassified ${summary.reclassified}, unchanged ${summary.unchanged}` +
        `${summary.unreadable ? `, unreadable bodies ${summary.unreadable}` : ''}${summary.invalid ? `, invalid ${summary.invalid}` : ''}\n` +
        `from stored articles (raw input expired): ${stored.stories} stories: updated ${stored.updated}, withdrawn ${stored.withdrawn}, reclassified ${stored.reclassified}, unchanged ${stored.unchanged}` +
        `${stored.missing ? `, unreadable ${stored.missing}` : ''}${stored.invalid ? `, invalid ${stored.invalid}` : ''}\n`,
    );
    return 0;
  });
}
