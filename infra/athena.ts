import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnNamedQuery, CfnWorkGroup } from 'aws-cdk-lib/aws-athena';
import { CfnDatabase, CfnTable } from 'aws-cdk-lib/aws-glue';
import { BlockPublicAccess, Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface ArticlesAthenaProps {
  /** The data bucket: articles are under `articles/dt=YYYY-MM-DD/<id>.json`. */
  readonly bucket: IBucket;
  /** Where the query-results bucket writes its access logs. @default - no access logs */
  readonly accessLogsBucket?: IBucket;
  readonly removalPolicy: RemovalPolicy;
  /** Days a query result is kept. @default 30 */
  readonly resultRetentionDays?: number;
  /** Bytes one query may scan before Athena cancels it. @default 10 GiB */
  readonly bytesScannedCutoffPerQuery?: number;
}

/** The first day the partition projection lists: articles older than this are not queried. */
export const PROJECTION_START = '2020-01-01';

/**
 * The article JSON as a SQL table: a Glue database and an external table over `articles/`,
 * partitioned by `dt` with partition projection (no crawler, no MSCK REPAIR: Athena computes
 * the day prefixes from the query's `dt` range), and an Athena workgroup with its own
 * encrypted, expiring results bucket and a per-query scan limit.
 *
 * The table reads the objects with the Amazon Ion SerDe, which reads JSON (Ion is a superset
 * of JSON) whether each object is pretty-printed over many lines or on one: the OpenX and
 * Hive JSON SerDes need one object per line. Field names match case-insensitively, so the
 * article's camelCase keys fill the lower-case columns.
 */
export class ArticlesAthena extends Construct {
  readonly database: CfnDatabase;
  readonly table: CfnTable;
  readonly workGroup: CfnWorkGroup;
  readonly resultsBucket: Bucket;
  readonly databaseName: string;
  readonly tableName = 'articles';

  constructor(scope: Construct, id: string, props: ArticlesAthenaProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Glue database names: lower case, digits and underscores.
    this.databaseName = `${stack.stackName.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_news`;
    const location = `s3://${props.bucket.bucketName}/articles/`;

    this.database = new CfnDatabase(this, 'Database', {
      catalogId: stack.account,
      databaseInput: { name: this.databaseName, description: 'wbnews: Western Balkans news articles' },
    });

    this.table = new CfnTable(this, 'ArticlesTable', {
      catalogId: stack.account,
      databaseName: this.databaseName,
      tableInput: {
        name: this.tableName,
        description: 'One row per stored article (data/article JSON written by the ingest worker).',
        tableType: 'EXTERNAL_TABLE',
        parameters: {
          classification: 'json',
          'projection.enabled': 'true',
          'projection.dt.type': 'date',
          'projection.dt.format': 'yyyy-MM-dd',
          // NOW+1DAYS: an article dated "tomorrow" by a feed in another time zone is still found.
          'projection.dt.range': `${PROJECTION_START},NOW+1DAYS`,
          'projection.dt.interval': '1',
          'projection.dt.interval.unit': 'DAYS',
          'storage.location.template': `${location}dt=\${dt}/`,
        },
        partitionKeys: [{ name: 'dt', type: 'string', comment: 'UTC day of publishedAt, YYYY-MM-DD' }],
        storageDescriptor: {
          location,
          inputFormat: 'com.amazon.ionhiveserde.formats.IonInputFormat',
          outputFormat: 'com.amazon.ionhiveserde.formats.IonOutputFormat',
          serdeInfo: {
            serializationLibrary: 'com.amazon.ionhiveserde.IonHiveSerDe',
            parameters: { 'ion.path_extractor.case_sensitive': 'false' },
          },
          columns: ARTICLE_COLUMNS.map(([name, type, comment]) => ({ name, type, comment })),
        },
      },
    });
    this.table.addResourceDependency(this.database);

    this.resultsBucket = new Bucket(this, 'Results', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(props.resultRetentionDays ?? 30), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: props.removalPolicy,
      autoDeleteObjects: props.removalPolicy === RemovalPolicy.DESTROY,
      ...(props.accessLogsBucket ? { serverAccessLogsBucket: props.accessLogsBucket, serverAccessLogsPrefix: 'athena-results/' } : {}),
    });

    this.workGroup = new CfnWorkGroup(this, 'WorkGroup', {
      name: `${stack.stackName}-analysts`,
      description: 'wbnews: SQL over the stored articles',
      state: 'ENABLED',
      recursiveDeleteOption: props.removalPolicy === RemovalPolicy.DESTROY,
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        bytesScannedCutoffPerQuery: props.bytesScannedCutoffPerQuery ?? 10 * 1024 ** 3,
        engineVersion: { selectedEngineVersion: 'AUTO' },
        resultConfiguration: {
          outputLocation: `s3://${this.resultsBucket.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_S3' },
        },
      },
    });

    const named = (id: string, name: string, description: string, sql: string): CfnNamedQuery => {
      const query = new CfnNamedQuery(this, id, { name, description, database: this.databaseName, workGroup: this.workGroup.name, queryString: sql });
      query.addResourceDependency(this.workGroup);
      query.addResourceDependency(this.table);
      return query;
    };
    named(
      'LatestByCountry',
      'wbnews: latest articles about a country',
      'The newest articles of the last 7 days that are about Kosovo (change the country code).',
      `SELECT publishedat, title, url, relevance.countries, relevance.score
FROM "${this.databaseName}"."${this.tableName}"
WHERE dt >= date_format(current_date - interval '7' day, '%Y-%m-%d')
  AND relevance.relevant = true
  AND contains(relevance.countries, 'XK')
ORDER BY publishedat DESC
LIMIT 100;`,
    );
    named(
      'ArticlesPerFeedAndDay',
      'wbnews: articles per feed and day',
      'How many articles each feed contributed per day over the last 30 days.',
      `SELECT dt, feedid, count(*) AS articles
FROM "${this.databaseName}"."${this.tableName}"
WHERE dt >= date_format(current_date - interval '30' day, '%Y-%m-%d')
  AND relevance.relevant = true
GROUP BY dt, feedid
ORDER BY dt DESC, articles DESC;`,
    );
  }
}

/**
 * The columns of the article JSON (functions/core/model.ts `Article`), lower-cased. Takeaway
 * offsets (`start`, `end`) are left out: `end` is a reserved word in Athena's DDL, and the
 * SerDe simply skips fields without a column.
 */
export const ARTICLE_COLUMNS: readonly (readonly [string, string, string])[] = [
  ['schemaversion', 'int', 'version of the stored article shape'],
  ['id', 'string', 'stable article id (from the canonical URL)'],
  ['url', 'string', 'canonical URL, or null'],
  ['feedid', 'string', 'id of the feed in feeds/feeds.json'],
  ['source', 'struct<name:string,feedurl:string>', 'publication name and feed URL'],
  ['title', 'string', ''],
  ['summary', 'string', 'plain text'],
  ['content', 'string', 'plain text'],
  ['language', 'string', 'BCP 47 tag, or null'],
  ['authors', 'array<string>', ''],
  ['categories', 'array<string>', ''],
  ['image', 'string', 'image URL, or null'],
  ['publishedat', 'string', 'ISO-8601 UTC; from_iso8601_timestamp() turns it into a timestamp'],
  ['publishedatsource', 'string', 'feed or fetched-at'],
  ['publishedatraw', 'string', 'the unreadable date text, or null'],
  ['fetchedat', 'string', 'ISO-8601 UTC'],
  [
    'relevance',
    'struct<relevant:boolean,score:double,countries:array<string>,countryscores:map<string,double>,' +
      'matched:array<struct<term:string,text:string,field:string,countries:array<string>,count:int,weight:double>>,' +
      'tags:array<string>,classifierversion:string>',
    'why the article is about the Western Balkans, and which countries',
  ],
  ['takeaways', 'struct<method:string,items:array<struct<text:string>>>', 'key takeaways'],
  ['contenthash', 'string', 'sha256 of title, summary and content'],
  ['rawref', 'string', 'S3 key of the raw feed body, or null'],
];
