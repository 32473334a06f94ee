import { readFile, stat } from 'node:fs/promises';
import { basename, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { BadInputError, describeError, FeedFetchError } from '../../functions/core/errors';
import { FEED_ID_PATTERN } from '../../functions/core/feeds-config';
import { enrichArticle, normalizeFeed, readFeedDocument } from '../../functions/core/pipeline';
import { UsageError, writeJson, type Io } from '../io';

/**
 * `wbnews parse FILE... [--items] [--feed-id ID] [--content-type TYPE] [--url URL]`: each file
 * through decode → parse → normalize → relevance → takeaways, without storing, all in this one
 * process. One line per file: {file, ok: true, feedId, format, charset[, charsetIgnored], items, relevant[, recovered]}
 * or {file, ok: false, error: {code, message}}; with --items, one line per item instead (the
 * article record that would be stored, plus "file") — and a file that yields no item line (an
 * error, or a feed with no items) still gets its one per-file line, so every file is answered.
 * Gzip files (raw snapshots) are inflated. Never stops on a bad file; exit 0.
 *
 * The feed id matters for items without a link, whose ids hash it with the guid (or title and
 * date): to get the ids the ingest worker stored, it must be the feed's id. `--feed-id` sets it;
 * by default it is read from a raw snapshot's path (`.../raw/feeds/<feedId>/<time>.xml.gz`, as
 * in S3 or the local data directory), else made from the file name (`balkan-wire.xml` →
 * "balkan-wire").
 */

/** Files larger than this are refused (a feed is a few MB; this is four times the fetch cap). */
const MAX_FILE_BYTES = 64 * 1024 * 1024;

async function readFeedFile(file: string): Promise<Uint8Array> {
  let info;
  try {
    info = await stat(file);
  } catch (cause) {
    throw new BadInputError(`cannot read ${file}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`, { feedId: basename(file), value: file }, { cause });
  }
  if (!info.isFile()) throw new BadInputError(`${file} is not a file`, { feedId: basename(file), value: file });
  if (info.size > MAX_FILE_BYTES) {
    throw new FeedFetchError('too_large', `file exceeded ${MAX_FILE_BYTES} bytes (${info.size})`, { feedId: basename(file), bytes: info.size, value: String(info.size) });
  }
  const bytes = await readFile(file);
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes, { maxOutputLength: MAX_FILE_BYTES });
  } catch (cause) {
    const tooLarge = (cause as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw new FeedFetchError(tooLarge ? 'too_large' : 'network', tooLarge ? `inflated file exceeded ${MAX_FILE_BYTES} bytes` : `could not inflate gzip file: ${(cause as Error).message}`, {
      feedId: basename(file),
      value: file,
    }, { cause });
  }
}

/** The feed id a file stands for, when --feed-id is not given (see above). */
export function feedIdForFile(file: string): string {
  const path = file.split(sep).join('/');
  const raw = /(?:^|\/)raw\/feeds\/([a-z0-9][a-z0-9-]{0,62})\/[^/]+$/.exec(path);
  if (raw?.[1]) return raw[1];
  const stem = basename(path)
    .toLowerCase()
    .replace(/\._s3rver_object$/, '')
    .replace(/(\.(gz|xml|rss|atom|rdf|feed|txt))+$/, '');
  const id = stem.replace(/[^a-z0-9]+/g, '-').replace(/^-+/, '').slice(0, 63).replace(/-+$/, '');
  return id || 'file';
}

export async function parseCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { items: { type: 'boolean', default: false }, 'feed-id': { type: 'string' }, 'content-type': { type: 'string' }, url: { type: 'string' } },
  });
  if (positionals.length === 0) {
    io.stderr.write('usage: wbnews parse FILE... [--items] [--feed-id ID] [--content-type TYPE] [--url URL]\n');
    return 2;
  }
  if (values.url !== undefined && !/^https?:\/\/\S+$/.test(values.url)) throw new UsageError(`--url must be an http(s) URL (got ${JSON.stringify(values.url)})`);
  const feedIdOption = values['feed-id'];
  if (feedIdOption !== undefined && !FEED_ID_PATTERN.test(feedIdOption)) {
    throw new UsageError(`--feed-id must be a feed id as in the feeds file: lower-case letters, digits and dashes, 1-63 (got ${JSON.stringify(feedIdOption)})`);
  }
  let failed = 0;
  const fetchedAt = new Date().toISOString();
  for (const file of positionals) {
    try {
      const bytes = await readFeedFile(file);
      const feedUrl = values.url ?? pathToFileURL(file).toString();
      const document = await readFeedDocument(bytes, values['content-type'], { feedId: basename(file), url: feedUrl });
      const feedId = feedIdOption ?? feedIdForFile(file);
      const drafts = normalizeFeed(document.parsed, { feed: { id: feedId, url: feedUrl, name: basename(file) }, feedUrl, fetchedAt });
      const articles = drafts.map((draft) => enrichArticle(draft));
      if (values.items && articles.length > 0) {
        for (const article of articles) writeJson(io, { file, ...article });
      } else {
        writeJson(io, {
          file,
          ok: true,
          feedId,
          format: document.format,
          charset: document.charset,
          ...(document.charsetIgnored !== undefined ? { charsetIgnored: document.charsetIgnored } : {}),
          items: articles.length,
          relevant: articles.filter((a) => a.relevance.relevant).length,
          ...(document.parsed.recovered ? { recovered: document.parsed.recovered } : {}),
        });
      }
    } catch (error) {
      failed++;
      writeJson(io, { file, ok: false, error: describeError(error) });
    }
  }
  io.stderr.write(failed > 0 ? `${failed} of ${positionals.length} file(s) failed\n` : '');
  return 0;
}
