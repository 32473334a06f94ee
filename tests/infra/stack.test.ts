import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readStackConfig } from '../../infra/config';
import { WbnewsStack } from '../../infra/stack';

// Fast template tests: bundling skipped (no esbuild run); the one full synth with bundling
// and cdk-nag is `npm run synth`, the last step of `npm test`.
function synth(context: Record<string, unknown> = {}): Template {
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new WbnewsStack(app, 'Test', readStackConfig(app.node));
  return Template.fromStack(stack);
}

let template: Template;
beforeAll(() => {
  template = synth();
});

describe('WbnewsStack', () => {
  it('has a private, encrypted, versioned, SSL-only bucket that is retained', () => {
    template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: {
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        VersioningConfiguration: { Status: 'Enabled' },
      },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  it('has the articles table with its three indexes and the feeds table with byDue, on demand with PITR', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      GlobalSecondaryIndexes: [
        Match.objectLike({ IndexName: 'byCountry', KeySchema: [{ AttributeName: 'countryKey', KeyType: 'HASH' }, { AttributeName: 'publishedKey', KeyType: 'RANGE' }] }),
        Match.objectLike({ IndexName: 'byDay' }),
        Match.objectLike({ IndexName: 'byFeed' }),
      ],
    });
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'feedId', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [Match.objectLike({ IndexName: 'byDue' })],
    });
    const tables = template.findResources('AWS::DynamoDB::Table');
    expect(Object.values(tables).map((t) => t['DeletionPolicy'])).toEqual(['Retain', 'Retain']);
  });

  it('has an encrypted queue with a DLQ after 3 receives and a visibility timeout 6x the worker timeout', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      VisibilityTimeout: 360,
      RedrivePolicy: { maxReceiveCount: 3, deadLetterTargetArn: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600 });
  });

  it('runs both functions on Node.js 24, ARM64', () => {
    const fns = template.findResources('AWS::Lambda::Function', { Properties: { Runtime: 'nodejs24.x', Architectures: ['arm64'] } });
    expect(Object.keys(fns)).toHaveLength(2);
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 60, Environment: { Variables: Match.objectLike({ ARTICLES_TABLE: Match.anyValue(), FEEDS_TABLE: Match.anyValue(), ARTICLES_BUCKET: Match.anyValue() }) } });
  });

  it('feeds the worker from the queue with partial batch failures and a concurrency cap', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      BatchSize: 5,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  it('schedules the dispatcher every 15 minutes by default, and by context otherwise', () => {
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(15 minutes)' });
    synth({ scheduleMinutes: 5 }).hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(5 minutes)' });
  });

  it('grants no wildcard actions and no "*" resources', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    for (const policy of Object.values(policies)) {
      for (const statement of policy['Properties'].PolicyDocument.Statement) {
        const actions = [statement.Action].flat();
        expect(actions.every((a: string) => !a.endsWith('*'))).toBe(true);
        expect([statement.Resource].flat()).not.toContain('*');
      }
    }
  });

  it('fails the synth on a bad feeds file, naming the entry and the value', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wbnews-feeds-'));
    const file = join(dir, 'feeds.json');
    writeFileSync(file, JSON.stringify({ feeds: [{ id: 'ok', url: 'https://a.example/feed' }, { id: 'ok', url: 'https://b.example/feed' }] }));
    expect(() => synth({ feedsFile: file })).toThrowError(`${file}: feed "ok": duplicate id (got "ok")`);
    writeFileSync(file, JSON.stringify({ feeds: [{ id: 'x', url: 'notaurl' }] }));
    expect(() => synth({ feedsFile: file })).toThrowError('feed "x": "url" must be an http(s) URL (got "notaurl")');
  });

  it('fails the synth on a bad schedule', () => {
    expect(() => synth({ scheduleMinutes: 'often' })).toThrowError('context "scheduleMinutes" must be an integer from 1 to 1440 (got "often")');
  });
});
