import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import dynalite from 'dynalite';
import S3rver from 's3rver';
import { articlesTableDefinition, feedsTableDefinition } from '../../functions/adapters/table-definitions';
import { acquireDataDirLock, ensureDataDir, type DataDirLock } from './data-lock';

/**
 * Embedded AWS emulators on 127.0.0.1 with ephemeral ports: dynalite for DynamoDB and s3rver
 * for S3, talked to by the same SDK v3 clients the Lambdas use. With `dataDir` the data
 * persists there (the local runner uses .wbnews/); without it everything lives in memory or a
 * throwaway directory (tests). A data directory is held by one process at a time (data-lock.ts):
 * a second opener gets a DataDirInUseError naming it, not a crash of the emulators.
 */

export const LOCAL_NAMES = {
  bucket: 'wbnews-articles',
  articlesTable: 'wbnews-articles',
  feedsTable: 'wbnews-feeds',
} as const;

// s3rver accepts only these credentials; dynalite accepts any.
const CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
const REGION = 'us-east-1';

export interface LocalAws {
  readonly dynamo: DynamoDBClient;
  readonly s3: S3Client;
  readonly endpoints: { readonly dynamodb: string; readonly s3: string };
  readonly names: typeof LOCAL_NAMES;
  close(): Promise<void>;
}

function listen(server: Server, port = 0): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server.address() as AddressInfo));
  });
}

/**
 * Rejects with the EADDRINUSE error (naming the port) when a fixed port is taken. Neither
 * emulator fails cleanly on a taken port: s3rver's listen leaves it as an unhandled 'error'
 * event that kills the process, and dynalite has opened its database (and holds its lock)
 * before it listens. So fixed ports are tried here first; a port taken in the instant between
 * still fails, less politely.
 */
async function portFree(port: number): Promise<void> {
  if (port === 0) return;
  const probe = createServer();
  await listen(probe, port);
  await new Promise<void>((resolve) => probe.close(() => resolve()));
}

function clientsFor(endpoints: LocalAws['endpoints']): { dynamo: DynamoDBClient; s3: S3Client } {
  return {
    dynamo: new DynamoDBClient({ endpoint: endpoints.dynamodb, region: REGION, credentials: CREDENTIALS }),
    s3: new S3Client({ endpoint: endpoints.s3, region: REGION, credentials: CREDENTIALS, forcePathStyle: true }),
  };
}

/** Clients for emulators another process runs (`wbnews serve`); close() closes only the clients. */
export function connectLocalAws(endpoints: LocalAws['endpoints']): LocalAws {
  const { dynamo, s3 } = clientsFor(endpoints);
  return {
    dynamo,
    s3,
    endpoints,
    names: LOCAL_NAMES,
    async close() {
      dynamo.destroy();
      s3.destroy();
    },
  };
}

export interface LocalAwsOptions {
  readonly dataDir?: string;
  readonly s3Dir: string;
  /** Fixed ports (`wbnews serve`); 0 or absent: ephemeral. */
  readonly ports?: { readonly dynamodb?: number; readonly s3?: number };
}

export async function startLocalAws(options: LocalAwsOptions): Promise<LocalAws> {
  let lock: DataDirLock | undefined;
  if (options.dataDir) {
    ensureDataDir(options.dataDir);
    lock = acquireDataDirLock(options.dataDir);
  }
  try {
    return await startEmulators(options, lock);
  } catch (error) {
    lock?.release();
    throw error;
  }
}

async function startEmulators(options: LocalAwsOptions, lock: DataDirLock | undefined): Promise<LocalAws> {
  const dynamoPath = options.dataDir ? join(options.dataDir, 'dynamodb') : undefined;
  if (dynamoPath) ensureDataDir(dynamoPath);
  ensureDataDir(options.s3Dir);

  // Fixed ports are tried first: a taken one is a clean EADDRINUSE before anything opens.
  await portFree(options.ports?.dynamodb ?? 0);
  await portFree(options.ports?.s3 ?? 0);
  const dynamoServer = dynalite({ path: dynamoPath, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const closeDynamo = (): Promise<void> => new Promise<void>((resolve) => dynamoServer.close(() => resolve()));
  const dynamoAddress = await listen(dynamoServer, options.ports?.dynamodb);
  const s3Server = new S3rver({ address: '127.0.0.1', port: options.ports?.s3 ?? 0, silent: true, directory: options.s3Dir });
  const s3Address = await s3Server.run().catch(async (error: unknown) => {
    await closeDynamo();
    throw error;
  });

  const endpoints = {
    dynamodb: `http://127.0.0.1:${dynamoAddress.port}`,
    s3: `http://127.0.0.1:${s3Address.port}`,
  };
  const { dynamo, s3 } = clientsFor(endpoints);
  const close = async (): Promise<void> => {
    dynamo.destroy();
    s3.destroy();
    await s3Server.close();
    await closeDynamo();
    lock?.release();
  };

  try {
    await ensureTable(dynamo, articlesTableDefinition(LOCAL_NAMES.articlesTable));
    await ensureTable(dynamo, feedsTableDefinition(LOCAL_NAMES.feedsTable));
    await s3.send(new CreateBucketCommand({ Bucket: LOCAL_NAMES.bucket })).catch((error: Error) => {
      if (error.name !== 'BucketAlreadyOwnedByYou' && error.name !== 'BucketAlreadyExists') throw error;
    });
  } catch (error) {
    await close();
    throw error;
  }

  return { dynamo, s3, endpoints, names: LOCAL_NAMES, close };
}

/** Create a table unless it exists, and wait until it is ACTIVE. */
export async function ensureTable(dynamo: DynamoDBClient, definition: ReturnType<typeof articlesTableDefinition>): Promise<void> {
  try {
    await dynamo.send(new CreateTableCommand(definition));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let i = 0; i < 100; i++) {
    const out = await dynamo.send(new DescribeTableCommand({ TableName: definition.TableName }));
    if (out.Table?.TableStatus === 'ACTIVE') return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`table ${definition.TableName} did not become ACTIVE`);
}
