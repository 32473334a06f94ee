import { parseArgs } from 'node:util';
import { S3DynamoArticleStore } from '../../functions/adapters/article-store';
import { hasStoredArticles } from '../../functions/adapters/store-status';
import { STORE_OPTIONS, STORE_USAGE, withStore } from '../store-target';
import { UsageError, type Io } from '../io';

/**
 * `wbnews show ID [--data DIR | --bucket B --articles-table T ...] [--pretty]`: one stored
 * article, from a data directory or a deployed stack (store-target.ts), as JSON: the stored object, plus
 * `storage` (revision, object key, times, classifier version, and the copies of the story seen
 * in other feeds). For the id of a copy, the story it is a copy of, with `storage.duplicateOf`.
 */
export async function showCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...STORE_OPTIONS, pretty: { type: 'boolean', default: false } },
  });
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError(`usage: wbnews show ID ${STORE_USAGE} [--pretty]`);
  return withStore(values, io.env ?? process.env, true, async (target) => {
    const store = new S3DynamoArticleStore(target.s3, target.dynamo, { bucket: target.names.bucket, table: target.names.articlesTable });
    const story = await store.story(id);
    if (!story) {
      const empty = !(await hasStoredArticles(target.dynamo, target.names.articlesTable));
      io.stderr.write(`no article with id "${id}"${empty ? `: no articles stored yet in ${target.where} — run \`wbnews run\` first` : ` in ${target.where}`}\n`);
      return 1;
    }
    if (!story.article) {
      io.stderr.write(`no article with id "${id}": the item was seen but is not about the region (classifier ${story.classifierVersion}), so only its id is kept\n`);
      return 1;
    }
    if (story.duplicateOf) io.stderr.write(`"${id}" is a copy of "${story.id}": showing that story\n`);
    if (!story.relevant) io.stderr.write(`"${story.id}" is no longer about the region (classifier ${story.classifierVersion}): showing its last stored version; wbnews query does not list it\n`);
    const { article, requestedId: _requested, id: _id, ...storage } = story;
    const out = { ...article, storage };
    io.stdout.write(`${values.pretty ? JSON.stringify(out, null, 2) : JSON.stringify(out)}\n`);
    return 0;
  });
}
