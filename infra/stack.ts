import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { ARTICLE_INDEXES, ARTICLES_TABLE_KEYS, FEED_INDEXES, FEEDS_TABLE_KEYS } from '../functions/adapters/keys';
import { DEFAULT_FEEDS_FILE, type StackConfig } from './config';

/** Props of the stack: the validated configuration (infra/config.ts), each part optional. */
export interface WbnewsStackProps extends StackProps, Partial<StackConfig> {}

/** Grant exact actions on exact resources (the grant helpers of Table add index ARNs we don't use). */
function grantOn(grantee: IGrantable, resourceArns: string[], ...actions: string[]): Grant {
  return Grant.addToPrincipal({ grantee, actions, resourceArns });
}

const entry = (name: string): string => fileURLToPath(new URL(`../functions/handlers/${name}`, import.meta.url));

// rss-parser and its XML parser are CommonJS; in an ESM bundle they need a `require`.
const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/** The worker's timeout: a feed fetch is capped well below it (see http-fetch.ts defaults). */
const INGEST_TIMEOUT = Duration.seconds(60);

export class WbnewsStack extends Stack {
  readonly bucket: Bucket;
  readonly articlesTable: Table;
  readonly feedsTable: Table;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly dispatcher: NodejsFunction;
  readonly ingest: NodejsFunction;

  constructor(scope: Construct, id: string, props: WbnewsStackProps = {}) {
    super(scope, id, props);
    const scheduleMinutes = props.scheduleMinutes ?? 15;
    const feedsFile = props.feedsFile ?? DEFAULT_FEEDS_FILE;

    this.bucket = new Bucket(this, 'Articles', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions::AwsSolutions-S1',
      reason: 'Only the pipeline\'s own Lambda roles read and write this bucket; CloudTrail data events can be enabled per account if access logs are needed.',
    });

    this.articlesTable = new Table(this, 'ArticlesTable', {
      partitionKey: { name: ARTICLES_TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: ARTICLES_TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const [indexName, keys] of Object.entries(ARTICLE_INDEXES)) {
      this.articlesTable.addGlobalSecondaryIndex({
        indexName,
        partitionKey: { name: keys.partitionKey, type: AttributeType.STRING },
        sortKey: { name: keys.sortKey, type: AttributeType.STRING },
        projectionType: ProjectionType.ALL,
      });
    }

    this.feedsTable = new Table(this, 'FeedsTable', {
      partitionKey: { name: FEEDS_TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.feedsTable.addGlobalSecondaryIndex({
      indexName: 'byDue',
      partitionKey: { name: FEED_INDEXES.byDue.partitionKey, type: AttributeType.STRING },
      sortKey: { name: FEED_INDEXES.byDue.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });

    this.deadLetterQueue = new Queue(this, 'FeedDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'FeedQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for an SQS event source: at least six times the function timeout, so a
      // message is not redelivered while a throttled or retried batch is still running.
      visibilityTimeout: Duration.seconds(INGEST_TIMEOUT.toSeconds() * 6),
      // A feed message that failed three times (our storage failing, not the feed: feed
      // failures are recorded and backed off, not retried) is parked for inspection.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });

    const bundling = {
      format: OutputFormat.ESM,
      minify: true,
      sourceMap: true,
      target: 'node24',
      mainFields: ['module', 'main'],
      banner: ESM_REQUIRE_BANNER,
      // Bundle the AWS SDK: measured cold import 83 ms bundled against 232 ms external.
      externalModules: [],
    };

    this.dispatcher = new NodejsFunction(this, 'Dispatcher', {
      entry: entry('dispatcher.lambda.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      logGroup: new LogGroup(this, 'DispatcherLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
      environment: {
        FEEDS_TABLE: this.feedsTable.tableName,
        QUEUE_URL: this.queue.queueUrl,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        ...bundling,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          // The validated feed list ships next to the handler, which reads it at load.
          afterBundling: (_input: string, output: string) => [`cp "${feedsFile}" "${output}/feeds.json"`],
        },
      },
    });

    this.ingest = new NodejsFunction(this, 'Ingest', {
      entry: entry('ingest.lambda.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 512,
      timeout: INGEST_TIMEOUT,
      logGroup: new LogGroup(this, 'IngestLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY }),
      environment: {
        ARTICLES_TABLE: this.articlesTable.tableName,
        FEEDS_TABLE: this.feedsTable.tableName,
        ARTICLES_BUCKET: this.bucket.bucketName,
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling,
    });

    // Least privilege: each function gets exactly the calls its adapters make, on the table
    // itself (no index access: neither Lambda queries), and object writes under two prefixes.
    grantOn(this.dispatcher, [this.feedsTable.tableArn], 'dynamodb:BatchGetItem');
    this.queue.grantSendMessages(this.dispatcher);
    grantOn(this.ingest, [this.feedsTable.tableArn], 'dynamodb:GetItem', 'dynamodb:PutItem');
    grantOn(
      this.ingest,
      [this.articlesTable.tableArn],
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:BatchWriteItem',
    );
    const objectPrefixes = ['articles/*', 'raw/*'];
    grantOn(this.ingest, objectPrefixes.map((p) => this.bucket.arnForObjects(p)), 's3:PutObject');
    const bucketId = this.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    for (const prefix of objectPrefixes) {
      Validations.of(this.ingest).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}]`,
        reason: `Object keys under ${prefix} are derived from article ids and fetch times at run time; the grant is PutObject only, under that prefix.`,
      });
    }

    this.ingest.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: 5,
        reportBatchItemFailures: true,
        // At most this many workers at once, so feed hosts (and our tables) are not hammered.
        maxConcurrency: 5,
      }),
    );

    new Rule(this, 'Schedule', {
      schedule: Schedule.rate(Duration.minutes(scheduleMinutes)),
      targets: [new LambdaFunction(this.dispatcher, { retryAttempts: 2 })],
    });

    for (const fn of [this.dispatcher, this.ingest]) {
      Validations.of(fn).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason: 'AWSLambdaBasicExecutionRole is the AWS-managed minimum for writing the function\'s own logs.',
      });
    }
  }
}
