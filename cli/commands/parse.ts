import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { describeError } from '../../functions/core/errors';
import { enrichArticle, normalizeFeed, readFeedDocument } from '../../functions/core/pipeline';
import { writeJson, type Io } from '../io';

/**
 * `wbnews parse FILE... [--items]`: each file through decode → parse → normalize → relevance →
 * takeaways, without storing. One line per file: {file, ok: true, format, items, relevant} or
 * {file, ok: false, error: {code, message}}; with --items, one line per item instead (the
 * article record that would be stored, plus "file"). Never stops on a bad file.
 */
export async function parseCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { items: { type: 'boolean', default: false }, 'content-type': { type: 'string' } },
  });
  if (positionals.length === 0) {
    io.stderr.write('usage: wbnews parse FILE... [--items] [--content-type TYPE]\n');
    return 2;
  }
  let failed = 0;
  const fetchedAt = new Date().toISOString();
  for (const file of positionals) {
    try {
      const bytes = await readFile(file);
      const context = { feedId: basename(file) };
      const document = await readFeedDocument(bytes, values['content-type'], context);
      const feedUrl = pathToFileURL(file).toString();
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
        });
      }
    } catch (error) {
      failed++;
      const described = describeError(error);
      const code = (error as NodeJS.ErrnoException)?.code === 'ENOENT' || (error as NodeJS.ErrnoException)?.code === 'EISDIR' ? 'bad_input' : described.code;
      writeJson(io, { file, ok: false, error: { code, message: described.message } });
    }
  }
  io.stderr.write(failed > 0 ? `${failed} of ${positionals.length} file(s) failed\n` : "");
  return 0;
}
