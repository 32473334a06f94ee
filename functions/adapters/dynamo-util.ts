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
 * with exponential back-off, and a query that follows LastEvaluatedKey.
 */

export type Item = Record<string, AttributeValue>;

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

export const defaultRetry: RetryPolicy = {
  attempts: 8,
  baseDelayMs: 50,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

function delay(policy: RetryPolicy, attempt: number): number {
  return Math.min(5_000, policy.baseDelayMs * 2 ** attempt);
}

function chunk<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** BatchGetItem over any number of keys (100 per call), retrying UnprocessedKeys. */
export async function batchGet(
  client: DynamoDBClient,
  table: string,
  keys: readonly Item[],
  projection?: string,
  policy: RetryPolicy = defaultRetry,
): Promise<Item[]> {
  const found: Item[] = [];
  for (const part of chunk(keys, 100)) {
    let request: Record<string, KeysAndAttributes> | undefined = {
      [table]: { Keys: part, ...(projection ? { ProjectionExpression: projection } : {}) },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt++) {
      if (attempt >= policy.attempts) throw new Error(`BatchGetItem on ${table}: keys still unprocessed after ${attempt} attempts`);
      if (attempt > 0) await policy.sleep(delay(policy, attempt));
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
      if (attempt > 0) await policy.sleep(delay(policy, attempt));
      const out: BatchWriteItemCommandOutput = await client.send(new BatchWriteItemCommand({ RequestItems: pending }));
      pending = out.UnprocessedItems;
    }
  }
}

/** Every page of a query, following LastEvaluatedKey. */
export async function* queryAll(client: DynamoDBClient, input: QueryCommandInput): AsyncGenerator<Item> {
  let startKey: Item | undefined;
  do {
    const out = await client.send(new QueryCommand({ ...input, ...(startKey ? { ExclusiveStartKey: startKey } : {}) }));
    for (const item of out.Items ?? []) yield item;
    startKey = out.LastEvaluatedKey;
  } while (startKey);
}

export function isConditionalFailure(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}
