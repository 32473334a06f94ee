import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR, readServeInfo, SERVE_FILE, type ServeInfo } from '../local/data-dir';
import { startLocalAws } from '../local/emulators';
import { UsageError, writeJson, type Io } from '../io';

/**
 * `wbnews serve [--data DIR] [--s3-port N] [--dynamodb-port N]`: keep the S3 and DynamoDB
 * emulators of a data directory running, on fixed ports, so standard tools (the AWS CLI, any
 * SDK) can read what `wbnews run` stored. Other wbnews commands on the same directory connect
 * to it while it runs. Stops on Ctrl-C (SIGINT) or SIGTERM.
 */
export async function serveCommand(argv: string[], io: Io, until?: Promise<void>): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      data: { type: 'string' },
      's3-port': { type: 'string', default: '4568' },
      'dynamodb-port': { type: 'string', default: '4567' },
    },
  });
  const s3Port = portOption('s3-port', values['s3-port']);
  const dynamodbPort = portOption('dynamodb-port', values['dynamodb-port']);
  const dir = resolve(values.data ?? DEFAULT_DATA_DIR);
  const running = readServeInfo(dir);
  if (running) throw new UsageError(`${dir} is already served by process ${running.pid} (S3 ${running.endpoints.s3}, DynamoDB ${running.endpoints.dynamodb})`, 1);

  const aws = await startLocalAws({ dataDir: dir, s3Dir: join(dir, 's3'), ports: { s3: s3Port, dynamodb: dynamodbPort } }).catch((error: unknown) => {
    throw portInUse(error, { s3: s3Port, dynamodb: dynamodbPort }) ?? error;
  });
  const file = join(dir, SERVE_FILE);
  const info: ServeInfo = { pid: process.pid, startedAt: new Date().toISOString(), endpoints: aws.endpoints };
  writeFileSync(file, `${JSON.stringify(info, null, 2)}\n`);
  try {
    writeJson(io, { type: 'serve', dir, ...aws.endpoints, bucket: aws.names.bucket, articlesTable: aws.names.articlesTable, feedsTable: aws.names.feedsTable });
    io.stderr.write(
      [
        `wbnews serve: data in ${dir}`,
        `  S3        ${aws.endpoints.s3}   bucket ${aws.names.bucket}`,
        `  DynamoDB  ${aws.endpoints.dynamodb}   tables ${aws.names.articlesTable}, ${aws.names.feedsTable}`,
        'Credentials for both: AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER AWS_DEFAULT_REGION=us-east-1, e.g.',
        `  aws --endpoint-url ${aws.endpoints.s3} s3 ls s3://${aws.names.bucket}/articles/ --recursive`,
        'Other wbnews commands on this directory use these emulators while this runs. Ctrl-C stops.',
        '',
      ].join('\n'),
    );
    await (until ?? waitForSignal());
    return 0;
  } finally {
    rmSync(file, { force: true });
    await aws.close();
  }
}

function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** A port already taken, as one line naming it and the option that chooses another; else undefined. */
function portInUse(error: unknown, ports: { s3: number; dynamodb: number }): UsageError | undefined {
  const e = error as NodeJS.ErrnoException & { port?: number };
  if (e?.code !== 'EADDRINUSE') return undefined;
  const port = typeof e.port === 'number' ? e.port : undefined;
  const which = port === ports.s3 ? 'S3' : port === ports.dynamodb ? 'DynamoDB' : undefined;
  const option = which === 'S3' ? '--s3-port' : which === 'DynamoDB' ? '--dynamodb-port' : '--s3-port / --dynamodb-port';
  return new UsageError(
    `port ${port ?? '(unknown)'}${which ? ` (${which})` : ''} on 127.0.0.1 is already in use: choose another with ${option} N (0 picks any free port)`,
    1,
  );
}

function portOption(name: string, value: string | undefined): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--${name} must be a port number from 0 to 65535 (got "${value}")`);
  return port;
}
