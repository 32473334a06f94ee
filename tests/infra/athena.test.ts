import { Match } from 'aws-cdk-lib/assertions';
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARTICLE_COLUMNS } from '../../infra/athena';
import { idOf, only, synth } from './synth';

let t: Template;
beforeAll(() => {
  t = synth({ athena: true });
});

describe('Athena (context athena=true)', () => {
  it('is absent by default', () => {
    const defaults = synth();
    for (const type of ['AWS::Glue::Database', 'AWS::Glue::Table', 'AWS::Athena::WorkGroup']) expect(defaults.findResources(type)).toEqual({});
  });

  it('creates a Glue database and an external table over articles/, partitioned by dt with date projection', () => {
    const bucket = idOf(t, 'AWS::S3::Bucket', { VersioningConfiguration: { Status: 'Enabled' } });
    t.hasResourceProperties('AWS::Glue::Database', { DatabaseInput: { Name: 'wbnews_news' } });
    const table = only(t, 'AWS::Glue::Table').Properties as { DatabaseName: string; TableInput: Record<string, unknown> };
    expect(table.DatabaseName).toBe('wbnews_news');
    expect(table.TableInput).toMatchObject({
      Name: 'articles',
      TableType: 'EXTERNAL_TABLE',
      PartitionKeys: [{ Name: 'dt', Type: 'string' }].map((k) => expect.objectContaining(k)),
      Parameters: {
        classification: 'json',
        'projection.enabled': 'true',
        'projection.dt.type': 'date',
        'projection.dt.format': 'yyyy-MM-dd',
        'projection.dt.range': '2020-01-01,NOW+1DAYS',
        'projection.dt.interval': '1',
        'projection.dt.interval.unit': 'DAYS',
        'storage.location.template': { 'Fn::Join': ['', ['s3://', { Ref: bucket }, '/articles/dt=${dt}/']] },
      },
      StorageDescriptor: {
        Location: { 'Fn::Join': ['', ['s3://', { Ref: bucket }, '/articles/']] },
        InputFormat: 'com.amazon.ionhiveserde.formats.IonInputFormat',
        OutputFormat: 'com.amazon.ionhiveserde.formats.IonOutputFormat',
        SerdeInfo: { SerializationLibrary: 'com.amazon.ionhiveserde.IonHiveSerDe', Parameters: { 'ion.path_extractor.case_sensitive': 'false' } },
      },
    });
  });

  it('has a column for every top-level field of the stored article', () => {
    const columns = ((only(t, 'AWS::Glue::Table').Properties['TableInput'] as { StorageDescriptor: { Columns: { Name: string; Type: string }[] } }).StorageDescriptor.Columns);
    // The keys of Article (functions/core/model.ts), lower-cased.
    const articleKeys = [
      'schemaVersion', 'id', 'url', 'feedId', 'source', 'title', 'summary', 'content', 'language', 'authors', 'categories', 'image',
      'publishedAt', 'publishedAtSource', 'publishedAtRaw', 'fetchedAt', 'relevance', 'takeaways', 'contentHash', 'rawRef',
    ].map((k) => k.toLowerCase());
    expect(columns.map((c) => c.Name)).toEqual(articleKeys);
    expect(columns.find((c) => c.Name === 'relevance')?.Type).toMatch(/^struct<relevant:boolean,score:double,countries:array<string>,countryscores:map<string,double>,matched:array<struct</);
    expect(ARTICLE_COLUMNS).toHaveLength(articleKeys.length);
  });

  it('runs queries in an enforced workgroup that encrypts results into its own expiring, private bucket and caps bytes scanned', () => {
    const results = idOf(t, 'AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30 })] } });
    t.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'Wbnews-analysts',
      RecursiveDeleteOption: false,
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        BytesScannedCutoffPerQuery: 10 * 1024 ** 3,
        ResultConfiguration: {
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: results }, '/results/']] },
        },
      },
    });
    const bucket = only(t, 'AWS::S3::Bucket', { LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30 })] } });
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LoggingConfiguration: { LogFilePrefix: 'athena-results/' },
    });
    expect(bucket.DeletionPolicy).toBe('Retain');
  });

  it('ships two saved queries that filter on the dt partition, and keep only relevant stories (as wbnews query does: a withdrawn story keeps its object)', () => {
    const queries = Object.values(t.findResources('AWS::Athena::NamedQuery')).map((q) => q['Properties'] as { Database: string; QueryString: string });
    expect(queries).toHaveLength(2);
    for (const q of queries) {
      expect(q.Database).toBe('wbnews_news');
      expect(q.QueryString).toMatch(/FROM "wbnews_news"\."articles"\nWHERE dt >= /);
      expect(q.QueryString).toContain('\n  AND relevance.relevant = true\n');
    }
    expect(Object.keys(t.toJSON()['Outputs'] as object)).toEqual(expect.arrayContaining(['AthenaWorkGroup', 'AthenaTable']));
  });
});
