import {
  BatchGetItemCommand,
  type BatchGetItemCommandOutput,
  type BatchWriteItemCommandOutput,
  BatchWriteItemCommand,
  QueryCommand,
  type AttributeValue,
  type DynamoDBClient,
  type KeysAndAttributes,
  type QueryCommandInput,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';

/**
 * DynamoDB helpers that every adapter needs: batch calls that retry UnprocessedItems/Keys
 * with exponential back-off (full jitter), and queries that follow LastEvaluatedKey.
 */

export type Item = Record<string, AttributeValue>;

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
  /** A number in [0, 1) that scales each delay ("full jitter"); without it the full delay is used. */
  readonly random?: () => number;
}

export const defaultRetry: RetryPolicy = {
  attempts: 8,
  baseDelayMs: 50,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
};

/** The wait before retry number `attempt` (1, 2, ...): base·2^attempt, capped at 5 s, jittered. */
export function retryDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(5_000, policy.baseDelayMs * 2 ** attempt);
  return policy.random ? Math.floor(policy.random() * ceiling) : ceiling;
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface BatchGetOptions {
  /** Strongly consistent reads (needed when the answer decides a write). */
  readonly consistent?: boolean;
}

/** BatchGetItem over any number of keys (100 per call), retrying UnprocessedKeys. */
export async function batchGet(
  client: DynamoDBClient,
  table: string,
  keys: readonly Item[],
  projection?: string,
  policy: RetryPolicy = defaultRetry,
  options: BatchGetOptions = {},
): Promise<Item[]> {
  const found: Item[] = [];
  for (const part of chunk(keys, 100)) {
    let request: Record<string, KeysAndAttributes> | undefined = {
      [table]: { Keys: part, ...(projection ? { ProjectionExpression: projection } : {}), ...(options.consistent ? { ConsistentRead: true } : {}) },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt >= policy.attempts) throw new Error(`BatchGetItem on ${table}: keys still unprocessed after ${attempt} attempts`);
      if (attempt > 0) await policy.sleep(retryDelay(policy, attempt));
      const out: BatchGetItemCommandOutput = await client.send(new BatchGetItemCommand({ RequestItems: request }));
      found.push(...(out.Responses?.[table] ?? []));
      request = out.UnprocessedKeys;
    }
  }
  return found;
}

/** BatchWriteItem over any number of requests (25 per call), retrying UnprocessedItems. */
export async function batchWrite(
  client: DynamoDBClient,
  table: string,
  requests: readonly WriteRequest[],
  policy: RetryPolicy = defaultRetry,
): Promise<void> {
  for (const part of chunk(requests, 25)) {
    let pending: Record<string, WriteRequest[]> | undefined = { [table]: part };
    for (let attempt = 0; pending && Object.keys(pending).length > 0; attempt++) {
      if (attempt >= policy.attempts) throw new Error(`BatchWriteItem on ${table}: items still unprocessed after ${attempt} attempts`);
      if (attempt > 0) await policy.sleep(retryDelay(policy, attempt));
      const out: BatchWriteItemCommandOutput = await client.send(new BatchWriteItemCommand({ RequestItems: pending }));
      pending = out.UnprocessedItems;
    }
  }
}

export interface QueryPage {
  readonly items: Item[];
  /** The LastEvaluatedKey of this page; absent on the last page. */
  readonly lastKey?: Item;
}

/** Every page of a query, following LastEvaluatedKey (starting after `input.ExclusiveStartKey` when given). */
export async function* queryPages(client: DynamoDBClient, input: QueryCommandInput): AsyncGenerator<QueryPage> {
  let startKey: Item | undefined = input.ExclusiveStartKey;
  do {
    const { ExclusiveStartKey: _drop, ...rest } = input;
    const out = await client.send(new QueryCommand({ ...rest, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    startKey = out.LastEvaluatedKey;
    yield { items: out.Items ?? [], ...(startKey ? { lastKey: startKey } : {}) };
  } while (startKey);
}

/** Every item of a query, following LastEvaluatedKey. */
export async function* queryAll(client: DynamoDBClient, input: QueryCommandInput): AsyncGenerator<Item> {
  for await (const page of queryPages(client, input)) yield* page.items;
}

export function isConditionalFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
