import { GetItemCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { DAYS_SK, META_PK } from './keys';

/**
 * Whether an articles table has ever held a story: the store adds each story's day to the
 * META / DAYS set (keys.ts) before it commits the story, so an absent or empty set means
 * nothing was ever stored. `wbnews query` and `show` use it to tell "no articles stored yet"
 * from "nothing matches". One GetItem; a missing table throws ResourceNotFoundException.
 */
export async function hasStoredArticles(dynamo: DynamoDBClient, table: string): Promise<boolean> {
  const out = await dynamo.send(new GetItemCommand({ TableName: table, Key: marshall({ pk: META_PK, sk: DAYS_SK }), ProjectionExpression: '#days', ExpressionAttributeNames: { '#days': 'days' } }));
  const days = out.Item ? (unmarshall(out.Item)['days'] as Set<string> | undefined) : undefined;
  return (days?.size ?? 0) > 0;
}
