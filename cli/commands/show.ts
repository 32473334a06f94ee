import { parseArgs } from 'node:util';
import { S3DynamoArticleStore } from '../../functions/adapters/article-store';
import { openDataDir } from '../local/data-dir';
import { UsageError, type Io } from '../io';

/** `wbnews show ID [--data DIR] [--pretty]`: one stored article as JSON. */
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
    const article = await store.get(id);
    if (!article) {
      io.stderr.write(`no article with id "${id}"\n`);
      return 1;
    }
    io.stdout.write(`${values.pretty ? JSON.stringify(article, null, 2) : JSON.stringify(article)}\n`);
    return 0;
  } finally {
    await aws.close();
  }
}
