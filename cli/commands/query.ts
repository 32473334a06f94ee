import { parseArgs } from 'node:util';
import { S3DynamoArticleStore } from '../../functions/adapters/article-store';
import { parseFeedDate } from '../../functions/core/dates';
import { openDataDir } from '../local/data-dir';
import { UsageError, writeJson, type Io } from '../io';

/**
 * `wbnews query [--country CC] [--since ISO] [--until ISO] [--feed ID] [--limit N] [--data DIR]`:
 * stored articles, newest first, one JSON line each.
 */
export async function queryCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      country: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      feed: { type: 'string' },
      limit: { type: 'string' },
      data: { type: 'string' },
    },
  });
  const country = values.country?.toUpperCase();
  if (country !== undefined && !/^[A-Z]{2}$/.test(country)) throw new UsageError(`--country must be a two-letter code such as XK (got "${values.country}")`);
  const since = isoOption('since', values.since);
  const until = isoOption('until', values.until);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) throw new UsageError(`--limit must be a positive integer (got "${values.limit}")`);

  const { aws } = await openDataDir(values.data, true);
  try {
    const store = new S3DynamoArticleStore(aws.s3, aws.dynamo, { bucket: aws.names.bucket, table: aws.names.articlesTable });
    let n = 0;
    for await (const summary of store.query({ country, feedId: values.feed, since, until, limit })) {
      writeJson(io, summary);
      n++;
    }
    io.stderr.write(`${n} article(s)\n`);
    return 0;
  } finally {
    await aws.close();
  }
}

function isoOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const iso = parseFeedDate(value);
  if (!iso) throw new UsageError(`--${name} must be an ISO-8601 date or time such as 2026-11-01 (got "${value}")`);
  return iso;
}
