import { parseArgs } from 'node:util';
import { S3DynamoArticleStore } from '../../functions/adapters/article-store';
import { hasStoredArticles } from '../../functions/adapters/store-status';
import { parseFeedDate } from '../../functions/core/dates';
import { gazetteerCountries } from '../../functions/core/relevance/classify';
import { STORE_OPTIONS, withStore } from '../store-target';
import { UsageError, writeJson, type Io } from '../io';

/**
 * `wbnews query [--country CC] [--since ISO] [--until ISO] [--day YYYY-MM-DD] [--feed ID]
 * [--limit N] [--cursor TOKEN] [--data DIR | --bucket B --articles-table T ...]`: stored articles,
 * newest first, one JSON line each, from a data directory or a deployed stack (store-target.ts).
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
      ...STORE_OPTIONS,
    },
  });
  const country = values.country?.toUpperCase();
  if (country !== undefined && !/^[A-Z]{2}$/.test(country)) throw new UsageError(`--country must be a two-letter code such as XK (got "${values.country}")`);
  // Only countries the gazetteer can tag are ever stored: any other code would list nothing.
  if (country !== undefined && !gazetteerCountries().includes(country)) {
    throw new UsageError(`--country ${values.country} is not a country wbnews tags: one of ${gazetteerCountries().join(', ')}`);
  }
  const since = isoOption('since', values.since, 'start');
  const until = isoOption('until', values.until, 'end');
  if (since !== undefined && until !== undefined && since > until) {
    throw new UsageError(`--since (${values.since}) is later than --until (${values.until}): nothing can match`);
  }
  if (values.day !== undefined && !(/^\d{4}-\d{2}-\d{2}$/.test(values.day) && parseFeedDate(values.day))) {
    throw new UsageError(`--day must be a date such as 2026-11-20 (got "${values.day}")`);
  }
  if (values.day !== undefined) {
    // --since/--until narrow the day; bounds that leave none of it match nothing.
    const [dayStart, dayEnd] = [`${values.day}T00:00:00.000Z`, `${values.day}T23:59:59.999Z`];
    if (since !== undefined && since > dayEnd) throw new UsageError(`--since (${values.since}) is after the end of --day ${values.day}: nothing can match`);
    if (until !== undefined && until < dayStart) throw new UsageError(`--until (${values.until}) is before the start of --day ${values.day}: nothing can match`);
  }
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) throw new UsageError(`--limit must be a positive integer (got "${values.limit}")`);
  if (values.cursor !== undefined && limit === undefined) throw new UsageError('--cursor needs --limit (the page size)');

  return withStore(values, io.env ?? process.env, true, async (target) => {
    const store = new S3DynamoArticleStore(target.s3, target.dynamo, { bucket: target.names.bucket, table: target.names.articlesTable });
    const page = await store.queryPage({ country, feedId: values.feed, day: values.day, since, until, limit, cursor: values.cursor });
    for (const summary of page.items) writeJson(io, summary);
    if (page.items.length === 0 && !(await hasStoredArticles(target.dynamo, target.names.articlesTable))) {
      io.stderr.write(`no articles stored yet in ${target.where} — run \`wbnews run\` first\n`);
      return 0;
    }
    io.stderr.write(`${page.items.length} article(s)\n`);
    if (page.cursor) io.stderr.write(`next page: --cursor ${page.cursor}\n`);
    return 0;
  });
}

/**
 * An ISO option as a UTC instant. A date alone (2026-11-20) is a whole day: as --since its
 * start, as --until its end (inclusive), so `--since D --until D` lists the articles of day D.
 */
export function isoOption(name: string, value: string | undefined, dateMeans: 'start' | 'end'): string | undefined {
  if (value === undefined) return undefined;
  const iso = parseFeedDate(value);
  if (!iso) throw new UsageError(`--${name} must be an ISO-8601 date or time such as 2026-11-01 (got "${value}")`);
  if (dateMeans === 'end' && /^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return `${iso.slice(0, 10)}T23:59:59.999Z`;
  return iso;
}
