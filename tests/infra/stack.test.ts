import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { backoffFromEnv, fetchOptionsFromEnv } from '../../functions/adapters/env';
import { idOf, only, synth } from './synth';

// Template assertions for every resource of the stack with the default context (cdk.json's
// feature flags included), and for what each context switch changes. Bundling is skipped.

let template: Template;
beforeAll(() => {
  template = synth();
});

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Principal?: unknown; Condition?: unknown };
const statementsOf = (t: Template, type: string): Statement[] =>
  Object.values(t.findResources(type)).flatMap((r) => (r['Properties'].PolicyDocument.Statement as Statement[]));
const actions = (s: Statement): string[] => [s.Action].flat();
/** The Allow statements of the inline policy attached to a role, by the role's logical-id prefix. */
function allowsOf(t: Template, rolePrefix: string): Statement[] {
  const policies = Object.values(t.findResources('AWS::IAM::Policy')).filter((p) =>
    (p['Properties'].Roles as { Ref: string }[]).some((r) => r.Ref.startsWith(rolePrefix)),
  );
  expect(policies).toHaveLength(1);
  return (policies[0]?.['Properties'].PolicyDocument.Statement as Statement[]).filter((s) => s.Effect === 'Allow');
}
const ref = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('S3', () => {
  it('keeps articles in a private, SSE-S3 encrypted, versioned bucket that only accepts TLS and is retained', () => {
    const bucket = only(template, 'AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    const articles = idOf(template, 'AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: articles },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('moves raw snapshots to Standard-IA after 30 days and deletes them after 180; old versions go after 30 days', () => {
    const { Properties } = only(template, 'AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
    expect(Properties['LifecycleConfiguration']).toEqual({
      TransitionDefaultMinimumObjectSize: 'all_storage_classes_128K',
      Rules: [
        { Id: 'raw-snapshots', Prefix: 'raw/', Status: 'Enabled', Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 30 }], ExpirationInDays: 180 },
        {
          Id: 'noncurrent-versions',
          Status: 'Enabled',
          NoncurrentVersionExpiration: { NoncurrentDays: 30 },
          ExpiredObjectDeleteMarker: true,
          AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
        },
      ],
    });
  });

  it('takes the lifecycle days from context', () => {
    const t = synth({ rawTransitionDays: 60, rawExpirationDays: 400, noncurrentVersionDays: 7 });
    const rules = (only(t, 'AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } }).Properties['LifecycleConfiguration'] as { Rules: Record<string, unknown>[] }).Rules;
    expect(rules[0]).toMatchObject({ Transitions: [{ StorageClass: 'STANDARD_IA', TransitionInDays: 60 }], ExpirationInDays: 400 });
    expect(rules[1]).toMatchObject({ NoncurrentVersionExpiration: { NoncurrentDays: 7 } });
  });

  it('writes server access logs of the data bucket to a private, expiring log bucket that log delivery may write', () => {
    const logs = idOf(template, 'AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'expire-logs' })] } });
    only(template, 'AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' }, LoggingConfiguration: { DestinationBucketName: { Ref: logs }, LogFilePrefix: 'articles-bucket/' } });
    const logBucket = only(template, 'AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ Id: 'expire-logs' })] } });
    expect(logBucket.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: { Rules: [{ Id: 'expire-logs', ExpirationInDays: 90, Status: 'Enabled' }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    expect(logBucket.DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logs },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Allow', Action: 's3:PutObject', Principal: { Service: 'logging.s3.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('has no log bucket when accessLogging=false', () => {
    const t = synth({ accessLogging: false });
    expect(Object.keys(t.findResources('AWS::S3::Bucket'))).toHaveLength(1);
    expect(only(t, 'AWS::S3::Bucket').Properties['LoggingConfiguration']).toBeUndefined();
  });
});

describe('DynamoDB', () => {
  it('has the articles table with its three indexes and the feeds table with byDue, on demand, with PITR and deletion protection', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'byCountry', KeySchema: [{ AttributeName: 'countryKey', KeyType: 'HASH' }, { AttributeName: 'publishedKey', KeyType: 'RANGE' }] }),
        Match.objectLike({ IndexName: 'byDay' }),
        Match.objectLike({ IndexName: 'byFeed' }),
      ],
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'feedId', KeyType: 'HASH' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byDue' })],
    });
    const tables = Object.values(template.findResources('AWS::DynamoDB::Table'));
    expect(tables.map((t) => [t['DeletionPolicy'], t['UpdateReplacePolicy']])).toEqual([['Retain', 'Retain'], ['Retain', 'Retain']]);
  });
});

describe('removalPolicy=destroy (throwaway stacks)', () => {
  it('deletes the tables and buckets with the stack, empties the buckets first, and lifts deletion protection', () => {
    const t = synth({ removalPolicy: 'destroy', athena: true });
    for (const type of ['AWS::DynamoDB::Table', 'AWS::S3::Bucket']) {
      const resources = Object.values(t.findResources(type));
      expect(resources.length).toBeGreaterThan(0);
      expect(resources.every((r) => r['DeletionPolicy'] === 'Delete')).toBe(true);
    }
    expect(Object.values(t.findResources('AWS::DynamoDB::Table')).map((r) => r['Properties'].DeletionProtectionEnabled)).toEqual([false, false]);
    // One auto-delete custom resource per bucket: articles, access logs, Athena results.
    expect(Object.keys(t.findResources('Custom::S3AutoDeleteObjects'))).toHaveLength(3);
    t.hasResourceProperties('AWS::Athena::WorkGroup', { RecursiveDeleteOption: true });
  });

  it('has no auto-delete custom resource when data is retained', () => {
    expect(template.findResources('Custom::S3AutoDeleteObjects')).toEqual({});
  });

  it("gives CDK's auto-delete provider its own log group (logRetentionDays, deleted with the stack) and a role that writes only there, with no AWS-managed policy", () => {
    for (const context of [{ removalPolicy: 'destroy' }, { removalPolicy: 'destroy', accessLogging: false, athena: true, logRetentionDays: 7 }]) {
      const t = synth(context);
      const retention = (context as { logRetentionDays?: number }).logRetentionDays ?? 30;
      // The provider is one function behind every bucket's auto-delete custom resource.
      const tokens = Object.values(t.findResources('Custom::S3AutoDeleteObjects')).map((r) => r['Properties'].ServiceToken['Fn::GetAtt'][0] as string);
      expect(new Set(tokens).size).toBe(1);
      const handler = t.toJSON()['Resources'][tokens[0] as string] as { Properties: Record<string, unknown> };
      const logs = (handler.Properties['LoggingConfig'] as { LogGroup: { Ref: string } }).LogGroup.Ref;
      expect(logs).toMatch(/^AutoDeleteObjectsLogs/);
      const group = t.toJSON()['Resources'][logs] as { Properties: { RetentionInDays: number }; DeletionPolicy: string };
      expect(group.Properties.RetentionInDays).toBe(retention);
      expect(group.DeletionPolicy).toBe('Delete');
      const roleId = (handler.Properties['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
      const role = t.toJSON()['Resources'][roleId] as { Properties: Record<string, unknown> };
      expect(role.Properties['ManagedPolicyArns']).toBeUndefined();
      expect(role.Properties['Policies']).toEqual([
        {
          PolicyName: 'Inline',
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: { 'Fn::GetAtt': [logs, 'Arn'] } }],
          },
        },
      ]);
      // No role of the stack carries an AWS-managed policy, in this configuration either.
      for (const r of Object.values(t.findResources('AWS::IAM::Role'))) expect(r['Properties'].ManagedPolicyArns).toBeUndefined();
    }
  });
});

describe('SQS', () => {
  it('has an SSE queue with a DLQ after 3 receives, a visibility timeout 6x the worker timeout, and a day of retention', () => {
    const dlq = idOf(template, 'AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600 });
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      MessageRetentionPeriod: 24 * 3600,
      RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: ref(dlq) },
    });
  });

  it('keeps dead letters 14 days, encrypted', () => {
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
  });

  it('accepts only TLS on both queues', () => {
    const policies = template.findResources('AWS::SQS::QueuePolicy');
    expect(Object.keys(policies)).toHaveLength(2);
    for (const policy of Object.values(policies)) {
      expect(policy['Properties'].PolicyDocument.Statement).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    }
  });

  it('follows a longer worker timeout with a longer visibility timeout', () => {
    const t = synth({ ingestTimeoutSeconds: 120 });
    t.hasResourceProperties('AWS::SQS::Queue', { VisibilityTimeout: 720, RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }) });
    t.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('ingest'), Timeout: 120 });
  });
});

describe('Lambda', () => {
  it('runs both functions on Node.js 24, ARM64, with source maps and the Powertools log level', () => {
    const fns = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x', Architectures: ['arm64'] } });
    expect(Object.keys(fns)).toHaveLength(2);
    for (const fn of Object.values(fns)) {
      expect(fn['Properties'].Environment.Variables).toMatchObject({ NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_LOG_LEVEL: 'INFO' });
    }
  });

  it('gives the dispatcher 256 MB and 30 s, and the worker 512 MB and 60 s, each with its environment', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('due feed'),
      MemorySize: 256,
      Timeout: 30,
      Environment: { Variables: Match.objectLike({ FEEDS_TABLE: Match.anyValue(), QUEUE_URL: Match.anyValue() }) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('ingest'),
      MemorySize: 512,
      Timeout: 60,
      Environment: { Variables: Match.objectLike({ ARTICLES_TABLE: Match.anyValue(), FEEDS_TABLE: Match.anyValue(), ARTICLES_BUCKET: Match.anyValue() }) },
    });
  });

  it('gives the worker the memory from context, and more by default when the decompressed cap needs it', () => {
    synth({ ingestMemoryMB: 1024 }).hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('ingest'), MemorySize: 1024 });
    synth({ fetchMaxDecompressedBytes: 50 * 1024 * 1024 }).hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('ingest'), MemorySize: 768 });
  });

  it('writes each function to its own log group, kept 30 days by default and logRetentionDays otherwise', () => {
    const groups = template.findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 30 } });
    expect(Object.keys(groups)).toHaveLength(2);
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(Object.keys(groups)).toContain(fn['Properties'].LoggingConfig.LogGroup.Ref);
    }
    expect(Object.keys(synth({ logRetentionDays: 90 }).findResources('AWS::Logs::LogGroup', { Properties: { RetentionInDays: 90 } }))).toHaveLength(2);
  });

  it('passes the log level and the scope countries from context', () => {
    const t = synth({ logLevel: 'DEBUG', scopeCountries: 'XK,RS' });
    t.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('ingest'),
      Environment: { Variables: Match.objectLike({ POWERTOOLS_LOG_LEVEL: 'DEBUG', RELEVANCE_SCOPE: 'XK,RS' }) },
    });
    const ingest = only(template, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('ingest') });
    expect((ingest.Properties['Environment'] as { Variables: Record<string, unknown> }).Variables).not.toHaveProperty('RELEVANCE_SCOPE');
  });

  const variables = (t: Template, description: string): Record<string, string> =>
    (only(t, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp(description) }).Properties['Environment'] as { Variables: Record<string, string> }).Variables;

  it('passes every fetch limit and the back-off to the worker, with the documented defaults', () => {
    expect(variables(template, 'ingest')).toMatchObject({
      FETCH_TIMEOUT_MS: '15000',
      FETCH_CONNECT_TIMEOUT_MS: '5000',
      FETCH_MAX_BYTES: '5242880',
      FETCH_MAX_DECOMPRESSED_BYTES: '20971520',
      FETCH_MAX_REDIRECTS: '5',
      BACKOFF_BASE_MS: '900000',
      BACKOFF_MAX_MS: '86400000',
    });
    expect(variables(template, 'ingest')).not.toHaveProperty('FETCH_CONTACT_URL');
    expect(variables(template, 'queue every due feed')).toMatchObject({ BACKOFF_BASE_MS: '900000', BACKOFF_MAX_MS: '86400000' });
  });

  it('passes fetch politeness, limits and back-off settings from context to the functions', () => {
    const t = synth({
      contactUrl: 'mailto:ops@example.org',
      fetchTimeoutSeconds: 20,
      fetchConnectTimeoutSeconds: 3,
      fetchMaxBytes: 2097152,
      fetchMaxDecompressedBytes: 8388608,
      fetchMaxRedirects: 2,
      backoffBaseMinutes: 5,
      backoffMaxHours: 6,
    });
    expect(variables(t, 'ingest')).toMatchObject({
      FETCH_CONTACT_URL: 'mailto:ops@example.org',
      FETCH_TIMEOUT_MS: '20000',
      FETCH_CONNECT_TIMEOUT_MS: '3000',
      FETCH_MAX_BYTES: '2097152',
      FETCH_MAX_DECOMPRESSED_BYTES: '8388608',
      FETCH_MAX_REDIRECTS: '2',
      BACKOFF_BASE_MS: '300000',
      BACKOFF_MAX_MS: '21600000',
    });
    expect(variables(t, 'queue every due feed')).toMatchObject({ BACKOFF_BASE_MS: '300000', BACKOFF_MAX_MS: '21600000' });
    // What the worker and the dispatcher read back at load (functions/adapters/env.ts).
    expect(fetchOptionsFromEnv(variables(t, 'ingest'))).toMatchObject({ timeoutMs: 20000, connectTimeoutMs: 3000, maxBytes: 2097152, maxDecompressedBytes: 8388608, maxRedirects: 2 });
    expect(fetchOptionsFromEnv(variables(t, 'ingest')).userAgent).toContain('mailto:ops@example.org');
    expect(backoffFromEnv(variables(t, 'ingest'))).toEqual({ baseMs: 300000, maxMs: 21600000 });
    expect(backoffFromEnv(variables(t, 'queue every due feed'))).toEqual({ baseMs: 300000, maxMs: 21600000 });
  });

  it('sets, by default, exactly the fetch options and back-off the worker would use unset', () => {
    const { userAgent: _ua, ...defaults } = fetchOptionsFromEnv({});
    const { userAgent: _ua2, ...deployed } = fetchOptionsFromEnv(variables(template, 'ingest'));
    expect(deployed).toEqual(defaults);
    expect(backoffFromEnv(variables(template, 'ingest'))).toEqual(backoffFromEnv({}));
  });

  it('feeds the worker from the queue in small batches, with partial batch failures and a concurrency cap', () => {
    const ingest = idOf(template, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('ingest') });
    const queue = idOf(template, 'AWS::SQS::Queue', { VisibilityTimeout: 360 });
    const mapping = only(template, 'AWS::Lambda::EventSourceMapping');
    expect(mapping.Properties).toEqual({
      BatchSize: 5,
      EventSourceArn: ref(queue),
      FunctionName: { Ref: ingest },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
      Tags: [{ Key: 'project', Value: 'wbnews' }],
    });
    synth({ ingestBatchSize: 2, ingestMaxConcurrency: 10 }).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 2,
      ScalingConfig: { MaximumConcurrency: 10 },
    });
  });
});

describe('schedule', () => {
  it('runs the dispatcher every 15 minutes by default, retrying twice, dropping a cycle older than its period', () => {
    const dispatcher = idOf(template, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('due feed') });
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: ref(dispatcher), RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 900 } })],
    });
    template.hasResourceProperties('AWS::Lambda::Permission', { Action: 'lambda:InvokeFunction', Principal: 'events.amazonaws.com', FunctionName: ref(dispatcher) });
  });

  it('takes the rate from context', () => {
    synth({ scheduleMinutes: 5 }).hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
    synth({ scheduleMinutes: '60' }).hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 hour)' });
  });
});

describe('IAM (least privilege)', () => {
  it('grants no wildcard action and no "*" resource anywhere', () => {
    for (const type of ['AWS::IAM::Policy', 'AWS::SQS::QueuePolicy', 'AWS::S3::BucketPolicy', 'AWS::SNS::TopicPolicy']) {
      for (const s of statementsOf(template, type).filter((st) => st.Effect === 'Allow')) {
        expect(actions(s).filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
        expect([s.Resource].flat()).not.toContain('*');
      }
    }
  });

  it('attaches no managed policy to the function roles (no AWSLambdaBasicExecutionRole and its "*" log resource)', () => {
    const roles = template.findResources('AWS::IAM::Role');
    expect(Object.keys(roles)).toHaveLength(2);
    for (const role of Object.values(roles)) {
      expect(role['Properties'].ManagedPolicyArns).toBeUndefined();
      expect(role['Properties'].AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }]);
    }
  });

  it('lets the dispatcher read feed states, send to the feed queue and write its own logs, nothing else', () => {
    const feeds = idOf(template, 'AWS::DynamoDB::Table', { KeySchema: [{ AttributeName: 'feedId', KeyType: 'HASH' }] });
    const queue = idOf(template, 'AWS::SQS::Queue', { VisibilityTimeout: 360 });
    const logs = Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) => id.startsWith('DispatcherLogs'));
    expect(allowsOf(template, 'DispatcherRole')).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: ref(logs as string) },
      { Effect: 'Allow', Action: 'dynamodb:BatchGetItem', Resource: ref(feeds) },
      { Effect: 'Allow', Action: ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], Resource: ref(queue) },
    ]);
  });

  it('lets the worker read/write its two tables (base keys only), keep article objects and their versions, put raw input, consume the queue and write its logs, nothing else', () => {
    const feeds = idOf(template, 'AWS::DynamoDB::Table', { KeySchema: [{ AttributeName: 'feedId', KeyType: 'HASH' }] });
    const articles = idOf(template, 'AWS::DynamoDB::Table', { KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }] });
    const bucket = idOf(template, 'AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
    const queue = idOf(template, 'AWS::SQS::Queue', { VisibilityTimeout: 360 });
    const logs = Object.keys(template.findResources('AWS::Logs::LogGroup')).find((id) => id.startsWith('IngestLogs'));
    const under = (prefix: string) => ({ 'Fn::Join': ['', [ref(bucket), `/${prefix}/*`]] });
    expect(allowsOf(template, 'IngestRole')).toEqual([
      { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: ref(logs as string) },
      { Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:PutItem'], Resource: ref(feeds) },
      {
        Effect: 'Allow',
        Action: ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query', 'dynamodb:UpdateItem'],
        Resource: ref(articles),
      },
      { Effect: 'Allow', Action: ['s3:DeleteObject', 's3:GetObject', 's3:PutObject'], Resource: under('articles') },
      // Versions are kept, never deleted.
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: under('versions') },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: under('raw') },
      {
        Effect: 'Allow',
        Action: 's3:ListBucket',
        Resource: ref(bucket),
        Condition: { StringLike: { 's3:prefix': ['articles/*', 'versions/articles/*'] } },
      },
      {
        Effect: 'Allow',
        Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage'],
        Resource: ref(queue),
      },
    ]);
  });

  it('lets only CloudWatch alarms of this account publish to the alarm topic, over TLS', () => {
    const topic = idOf(template, 'AWS::SNS::Topic');
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: topic }],
      PolicyDocument: {
        Statement: [
          Match.objectLike({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Action: 'sns:Publish',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Resource: { Ref: topic },
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, ArnLike: { 'aws:SourceArn': Match.anyValue() } },
          }),
        ],
      },
    });
  });
});

describe('tags', () => {
  it('tags every taggable resource with project=wbnews, for cost allocation', () => {
    const resources = Object.values(template.toJSON()['Resources'] as Record<string, { Type: string; Properties?: { Tags?: unknown } }>);
    const types = ['AWS::S3::Bucket', 'AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::Lambda::Function', 'AWS::IAM::Role', 'AWS::SNS::Topic', 'AWS::Logs::LogGroup'];
    for (const r of resources.filter((x) => types.includes(x.Type))) {
      expect(r.Properties?.Tags, r.Type).toEqual(expect.arrayContaining([{ Key: 'project', Value: 'wbnews' }]));
    }
  });
});

describe('outputs', () => {
  it('names what an operator looks for after a deploy', () => {
    expect(Object.keys(template.toJSON()['Outputs'] as object).sort()).toEqual(
      ['AlarmTopicArn', 'ArticlesTableName', 'BucketName', 'DashboardUrl', 'DeadLetterQueueUrl', 'DispatcherLogGroup', 'FeedQueueUrl', 'FeedsTableName', 'IngestLogGroup'].sort(),
    );
  });
});
