import { parseArgs } from 'node:util';
import { S3DynamoArticleStore } from '../../functions/adapters/article-store';
import { S3RawStore } from '../../functions/adapters/raw-store';
import { parseFeedDate } from '../../functions/core/dates';
import { reprocess } from '../../functions/ingest/reprocess';
import { silentLogger } from '../../functions/ingest/ports';
import { openDataDir } from '../local/data-dir';
import { UsageError, writeJson, type Io } from '../io';

/**
 * `wbnews reprocess [--since ISO] [--feed ID] [--data DIR]`: run relevance and takeaways again
 * over the kept raw feed bodies and store what changed. stdout: one JSON line per changed item
 * (`{"type":"change","id","feedId","change",...}`) and a summary line (`{"type":"summary",...}`).
 * Running it again with the same classifier changes nothing.
 */
export async function reprocessCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { since: { type: 'string' }, feed: { type: 'string' }, data: { type: 'string' } },
  });
  const since = values.since === undefined ? undefined : parseFeedDate(values.since);
  if (since === null) throw new UsageError(`--since must be an ISO-8601 date or time such as 2026-11-01 (got "${values.since}")`);
  if (values.feed !== undefined && !/^[a-z0-9][a-z0-9-]{0,62}$/.test(values.feed)) throw new UsageError(`--feed must be a feed id (got "${values.feed}")`);

  const { aws } = await openDataDir(values.data, true);
  try {
    const summary = await reprocess(
      { since, feedId: values.feed },
      {
        raw: new S3RawStore(aws.s3, aws.names.bucket),
        articles: new S3DynamoArticleStore(aws.s3, aws.dynamo, { bucket: aws.names.bucket, table: aws.names.articlesTable }),
        logger: silentLogger,
      },
      (event) => writeJson(io, { type: 'change', ...event }),
    );
    writeJson(io, { type: 'summary', ...summary });
    io.stderr.write(
      `reprocessed ${summary.rawBodies} feed bodies, ${summary.items} items with ${summary.classifierVersion}: ` +
        `added ${summary.added}, duplicates ${summary.duplicates}, updated ${summary.updated}, withdrawn ${summary.withdrawn}, ` +
        `reclassified ${summary.reclassified}, unchanged ${summary.unchanged}` +
        `${summary.unreadable ? `, unreadable bodies ${summary.unreadable}` : ''}${summary.invalid ? `, invalid ${summary.invalid}` : ''}\n`,
    );
    return 0;
  } finally {
    await aws.close();
  }
}
