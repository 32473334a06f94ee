import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { BadInputError, describeError, FeedFetchError } from '../../functions/core/errors';
import { enrichArticle, normalizeFeed, readFeedDocument } from '../../functions/core/pipeline';
import { UsageError, writeJson, type Io } from '../io';

/**
 * `wbnews parse FILE... [--items] [--content-type TYPE] [--url URL]`: each file through
 * decode → parse → normalize → relevance → takeaways, without storing, all in this one process.
 * One line per file: {file, ok: true, format, charset, items, relevant[, recovered]} or
 * {file, ok: false, error: {code, message}}; with --items, one line per item instead (the
 * article record that would be stored, plus "file"). Gzip files (raw snapshots) are inflated.
 * Never stops on a bad file; exit 0.
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

export async function parseCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { items: { type: 'boolean', default: false }, 'content-type': { type: 'string' }, url: { type: 'string' } },
  });
  if (positionals.length === 0) {
    io.stderr.write('usage: wbnews parse FILE... [--items] [--content-type TYPE] [--url URL]\n');
    return 2;
  }
  if (values.url !== undefined && !/^https?:\/\/\S+$/.test(values.url)) throw new UsageError(`--url must be an http(s) URL (got ${JSON.stringify(values.url)})`);
  let failed = 0;
  const fetchedAt = new Date().toISOString();
  for (const file of positionals) {
    try {
      const bytes = await readFeedFile(file);
      const feedUrl = values.url ?? pathToFileURL(file).toString();
      const document = await readFeedDocument(bytes, values['content-type'], { feedId: basename(file), url: feedUrl });
      const drafts = normalizeFeed(document.parsed, { feed: { id: 'file', url: feedUrl, name: basename(file) }, feedUrl, fetchedAt });
      const articles = drafts.map((draft) => enrichArticle(draft));
      if (values.items) {
        for (const article of articles) writeJson(io, { file, ...article });
      } else {
        writeJson(io, {
          file,
          ok: true,
          format: document.format,
          charset: document.charset,
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
