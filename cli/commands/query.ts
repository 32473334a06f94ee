import { parseArgs } from 'node:util';
import { S3DynamoArticleStore } from '../../functions/adapters/article-store';
import { parseFeedDate } from '../../functions/core/dates';
import { openDataDir } from '../local/data-dir';
import { UsageError, writeJson, type Io } from '../io';

/**
 * `wbnews query [--country CC] [--since ISO] [--until ISO] [--day YYYY-MM-DD] [--feed ID]
 * [--limit N] [--cursor TOKEN] [--data DIR]`: stored articles, newest first, one JSON line each.
 * Each story is listed once (copies in other feeds are in its `alsoSeenIn`). With --limit, when
 * there may be more, the token for the next page is printed on stderr: `next page: --cursor …`.
 */
export async function queryCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      country: { type: 'string' },
      since: { type: 'string' },
      until: { type: 'string' },
      day: { type: 'string' },
      feed: { type: 'string' },
      limit: { type: 'string' },
      cursor: { type: 'string' },
      data: { type: 'string' },
    },
  });
  const country = values.country?.toUpperCase();
  if (country !== undefined && !/^[A-Z]{2}$/.test(country)) throw new UsageError(`--country must be a two-letter code such as XK (got "${values.country}")`);
  const since = isoOption('since', values.since);
  const until = isoOption('until', values.until);
  if (values.day !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(values.day) && parseFeedDate(values.day))) {
    throw new UsageError(`--day must be a date such as 2026-11-20 (got "${values.day}")`);
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) throw new UsageError(`--limit must be a positive integer (got "${values.limit}")`);
  if (values.cursor !== undefined && limit === undefined) throw new UsageError('--cursor needs --limit (the page size)');

  const { aws } = await openDataDir(values.data, true);
  try {
    const store = new S3DynamoArticleStore(aws.s3, aws.dynamo, { bucket: aws.names.bucket, table: aws.names.articlesTable });
    const page = await store.queryPage({ country, feedId: values.feed, day: values.day, since, until, limit, cursor: values.cursor });
    for (const summary of page.items) writeJson(io, summary);
    io.stderr.write(`${page.items.length} article(s)\n`);
    if (page.cursor) io.stderr.write(`next page: --cursor ${page.cursor}\n`);
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
