import { parseArgs } from 'node:util';
import { S3DynamoArticleStore } from '../../functions/adapters/article-store';
import { openDataDir } from '../local/data-dir';
import { UsageError, type Io } from '../io';

/**
 * `wbnews show ID [--data DIR] [--pretty]`: one stored article as JSON: the stored object, plus
 * `storage` (revision, object key, times, classifier version, and the copies of the story seen
 * in other feeds). For the id of a copy, the story it is a copy of, with `storage.duplicateOf`.
 */
export async function showCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { data: { type: 'string' }, pretty: { type: 'boolean', default: false } },
  });
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError('usage: wbnews show ID [--data DIR] [--pretty]');
  const { aws } = await openDataDir(values.data, true);
  try {
    const store = new S3DynamoArticleStore(aws.s3, aws.dynamo, { bucket: aws.names.bucket, table: aws.names.articlesTable });
    const story = await store.story(id);
    if (!story) {
      io.stderr.write(`no article with id "${id}"\n`);
      return 1;
    }
    if (!story.article) {
      io.stderr.write(`no article with id "${id}": the item was seen but is not about the region (classifier ${story.classifierVersion}), so only its id is kept\n`);
      return 1;
    }
    if (story.duplicateOf) io.stderr.write(`"${id}" is a copy of "${story.id}": showing that story\n`);
    const { article, requestedId: _requested, id: _id, ...storage } = story;
    const out = { ...article, storage };
    io.stdout.write(`${values.pretty ? JSON.stringify(out, null, 2) : JSON.stringify(out)}\n`);
    return 0;
  } finally {
    await aws.close();
  }
}
