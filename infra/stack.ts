import { CfnOutput, CfnResource, CustomResourceProviderBase, Duration, RemovalPolicy, Stack, Tags, Validations, type StackProps } from 'aws-cdk-lib';
import { AttributeType, BillingMode, ProjectionType, Table } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { Grant, Role, ServicePrincipal, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { NodejsFunction, OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  StorageClass,
  TransitionDefaultMinimumObjectSize,
  type CfnBucket,
} from 'aws-cdk-lib/aws-s3';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { fileURLToPath } from 'node:url';
import { DEFAULT_FETCH_OPTIONS } from '../functions/adapters/http-fetch';
import { ARTICLE_INDEXES, ARTICLES_TABLE_KEYS, FEED_INDEXES, FEEDS_TABLE_KEYS } from '../functions/adapters/keys';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../functions/ingest/schedule';
import { ArticlesAthena } from './athena';
import { LAMBDA_BUNDLE } from './bundling';
import { DEFAULT_FEEDS_FILE, defaultIngestMemoryMB, defaultNoArticlesHours, type StackConfig } from './config';
import { Monitoring } from './monitoring';

/** Props of the stack: the validated configuration (infra/config.ts), each part optional with the same defaults. */
export interface WbnewsStackProps extends StackProps, Partial<StackConfig> {}

/** Grant exact actions on exact resources (the grant helpers of Table add index ARNs we don't use). */
function grantOn(grantee: IGrantable, resourceArns: string[], ...actions: string[]): Grant {
  return Grant.addToPrincipal({ grantee, actions, resourceArns });
}

/**
 * The ingest worker's fetch limits and politeness settings as the environment
 * functions/adapters/env.ts reads (fetchOptionsFromEnv), from the stack's configuration; unset
 * parts take the worker's own defaults (DEFAULT_FETCH_OPTIONS).
 */
export function fetchEnvironment(props: Partial<StackConfig>): Record<string, string> {
  const d = DEFAULT_FETCH_OPTIONS;
  return {
    FETCH_TIMEOUT_MS: String((props.fetchTimeoutSeconds ?? d.timeoutMs / 1000) * 1000),
    FETCH_CONNECT_TIMEOUT_MS: String((props.fetchConnectTimeoutSeconds ?? d.connectTimeoutMs / 1000) * 1000),
    FETCH_MAX_BYTES: String(props.fetchMaxBytes ?? d.maxBytes),
    FETCH_MAX_DECOMPRESSED_BYTES: String(props.fetchMaxDecompressedBytes ?? d.maxDecompressedBytes),
    FETCH_MAX_REDIRECTS: String(props.fetchMaxRedirects ?? d.maxRedirects),
    ...(props.contactUrl ? { FETCH_CONTACT_URL: props.contactUrl } : {}),
  };
}

/** The failing-feed back-off as milliseconds, as the stack configures it (defaults: DEFAULT_BACKOFF). */
export function backoffPolicy(props: Partial<StackConfig>): BackoffPolicy {
  return {
    baseMs: props.backoffBaseMinutes !== undefined ? props.backoffBaseMinutes * 60_000 : DEFAULT_BACKOFF.baseMs,
    maxMs: props.backoffMaxHours !== undefined ? props.backoffMaxHours * 3_600_000 : DEFAULT_BACKOFF.maxMs,
  };
}

/** The back-off as the environment functions/adapters/env.ts reads (backoffFromEnv). */
export function backoffEnvironment(policy: BackoffPolicy): Record<string, string> {
  return { BACKOFF_BASE_MS: String(policy.baseMs), BACKOFF_MAX_MS: String(policy.maxMs) };
}

/** The construct id aws-cdk-lib gives the provider behind `autoDeleteObjects` (one per stack). */
export const AUTO_DELETE_PROVIDER_ID = 'Custom::S3AutoDeleteObjectsCustomResourceProvider';

/**
 * CDK's auto-delete-objects provider (one Lambda per stack that empties the buckets of a
 * throwaway stack before CloudFormation deletes them) comes with the AWS-managed
 * AWSLambdaBasicExecutionRole (log writes on every log group, "*") and logs to a group Lambda
 * creates on first run: kept forever, and left behind by `cdk destroy`. Here it gets its own log
 * group with the functions' retention, deleted with the stack; its role may write there and
 * nowhere else, and loses the managed policy. cdk-nag does not see this role or function (they
 * are plain CfnResources, not CfnRole/CfnFunction), so tests/infra/stack.test.ts checks them.
 */
function ownAutoDeleteLogs(stack: Stack, retention: number): LogGroup {
  const provider = stack.node.tryFindChild(AUTO_DELETE_PROVIDER_ID);
  const role = provider?.node.tryFindChild('Role');
  const handler = provider?.node.tryFindChild('Handler');
  if (!(provider instanceof CustomResourceProviderBase) || !CfnResource.isCfnResource(role) || !CfnResource.isCfnResource(handler)) {
    // A newer aws-cdk-lib built the provider differently: fail the synth rather than deploy a
    // role with the managed policy while the README says otherwise.
    throw new Error(`${AUTO_DELETE_PROVIDER_ID} has changed shape in this aws-cdk-lib: review ownAutoDeleteLogs in infra/stack.ts`);
  }
  const logs = new LogGroup(stack, 'AutoDeleteObjectsLogs', { retention, removalPolicy: RemovalPolicy.DESTROY });
  handler.addPropertyOverride('LoggingConfig', { LogGroup: logs.logGroupName });
  provider.addToRolePolicy({ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: logs.logGroupArn });
  role.addPropertyDeletionOverride('ManagedPolicyArns');
  return logs;
}

const entry = (name: string): string => fileURLToPath(new URL(`../functions/handlers/${name}`, import.meta.url));

/**
 * The whole pipeline in one stack:
 *
 *   EventBridge rule (every scheduleMinutes) → dispatcher Lambda → feed queue (SQS, DLQ)
 *     → ingest Lambda (batches, partial failures, capped concurrency)
 *     → S3 bucket (articles/, raw/) + DynamoDB (articles table, feeds table)
 *   + alarms → SNS topic (e-mail), a dashboard, optionally an Athena table over articles/.
 *
 * Construct ids are part of the contract: renaming one replaces the resource (and a data store
 * with it). Every setting comes from StackConfig (CDK context, infra/config.ts).
 */
export class WbnewsStack extends Stack {
  readonly bucket: Bucket;
  readonly accessLogsBucket: Bucket | undefined;
  readonly articlesTable: Table;
  readonly feedsTable: Table;
  readonly queue: Queue;
  readonly deadLetterQueue: Queue;
  readonly dispatcher: NodejsFunction;
  readonly ingest: NodejsFunction;
  readonly schedule: Rule;
  readonly monitoring: Monitoring;
  readonly athena: ArticlesAthena | undefined;
  /** The log group of CDK's auto-delete-objects provider, in throwaway stacks (removalPolicy=destroy). */
  readonly autoDeleteLogs: LogGroup | undefined;

  constructor(scope: Construct, id: string, props: WbnewsStackProps = {}) {
    super(scope, id, props);
    // Every resource carries the tag, so Cost Explorer can show what the pipeline costs.
    Tags.of(this).add('project', 'wbnews');
    const scheduleMinutes = props.scheduleMinutes ?? 15;
    const feedsFile = props.feedsFile ?? DEFAULT_FEEDS_FILE;
    const ingestTimeout = Duration.seconds(props.ingestTimeoutSeconds ?? 60);
    const throwaway = props.removalPolicy === 'destroy';
    const backoff = backoffPolicy(props);
    // Data stores are retained when the stack is deleted, and the tables refuse deletion,
    // unless the stack is declared throwaway (context removalPolicy=destroy).
    const dataRemoval = throwaway ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    // ---- Storage -------------------------------------------------------------------------

    if (props.accessLogging ?? true) {
      // S3 server access logs of the data bucket (and the Athena results bucket). Log
      // delivery writes with the bucket policy CDK adds (feature flag
      // serverAccessLogsUseBucketPolicy); the target must use SSE-S3.
      this.accessLogsBucket = new Bucket(this, 'AccessLogs', {
        blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
        encryption: BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
        lifecycleRules: [{ id: 'expire-logs', expiration: Duration.days(props.accessLogRetentionDays ?? 90) }],
        removalPolicy: dataRemoval,
        autoDeleteObjects: throwaway,
      });
      Validations.of(this.accessLogsBucket).acknowledge({
        id: 'AwsSolutions::AwsSolutions-S1',
        reason: 'This is the access-log bucket itself: logging it into itself would log every log delivery, and into another bucket would only move the question.',
      });
    }

    this.bucket = new Bucket(this, 'Articles', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      // S3's own default since 2024, written out: objects under 128 KB never transition, since
      // Standard-IA bills every object as at least 128 KB (most gzipped feed bodies are smaller).
      transitionDefaultMinimumObjectSize: TransitionDefaultMinimumObjectSize.ALL_STORAGE_CLASSES_128_K,
      lifecycleRules: [
        {
          // Raw feed bodies are kept to reprocess and to debug a parse; they are read rarely
          // after the first weeks, and not at all after a few months.
          id: 'raw-snapshots',
          prefix: 'raw/',
          transitions: [{ storageClass: StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(props.rawTransitionDays ?? 30) }],
          expiration: Duration.days(props.rawExpirationDays ?? 180),
        },
        {
          // Versioning protects against an overwrite or delete by mistake; old versions and
          // the delete markers left by expiry are cleaned up after a while.
          id: 'noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30),
          expiredObjectDeleteMarker: true,
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy: dataRemoval,
      autoDeleteObjects: throwaway,
      ...(this.accessLogsBucket ? { serverAccessLogsBucket: this.accessLogsBucket, serverAccessLogsPrefix: 'articles-bucket/' } : {}),
    });
    // Throwaway stacks empty their buckets through CDK's auto-delete provider: give it logs
    // that expire and go with the stack, and a role without the AWS-managed policy.
    if (throwaway) this.autoDeleteLogs = ownAutoDeleteLogs(this, props.logRetentionDays ?? 30);
    if (!this.accessLogsBucket) {
      Validations.of(this.bucket).acknowledge({
        id: 'AwsSolutions::AwsSolutions-S1',
        reason: 'Access logging was turned off by context (accessLogging=false). Only the pipeline\'s own Lambda roles can write; CloudTrail data events can audit access instead.',
      });
    }

    this.articlesTable = new Table(this, 'ArticlesTable', {
      partitionKey: { name: ARTICLES_TABLE_KEYS.partitionKey, type: AttributeType.STRING },
      sortKey: { name: ARTICLES_TABLE_KEYS.sortKey, type: AttributeType.STRING },
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: !throwaway,
      removalPolicy: dataRemoval,
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
      deletionProtection: !throwaway,
      removalPolicy: dataRemoval,
    });
    this.feedsTable.addGlobalSecondaryIndex({
      indexName: 'byDue',
      partitionKey: { name: FEED_INDEXES.byDue.partitionKey, type: AttributeType.STRING },
      sortKey: { name: FEED_INDEXES.byDue.sortKey, type: AttributeType.STRING },
      projectionType: ProjectionType.ALL,
    });

    // ---- Queue ---------------------------------------------------------------------------

    this.deadLetterQueue = new Queue(this, 'FeedDeadLetterQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The longest SQS allows: time to notice the alarm, fix the cause and redrive.
      retentionPeriod: Duration.days(14),
    });
    this.queue = new Queue(this, 'FeedQueue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // AWS's guidance for an SQS event source: at least six times the function timeout, so a
      // message is not redelivered while a throttled or retried batch is still running.
      visibilityTimeout: Duration.seconds(ingestTimeout.toSeconds() * 6),
      // A due feed is queued again every cycle, so a message a day old is only a duplicate of
      // newer ones (a failing record reaches the DLQ long before: 3 receives x visibility).
      // With a schedule of 8 hours or more, three periods: the backlog alarm fires at two, and
      // a message that has expired can no longer raise it.
      retentionPeriod: Duration.minutes(Math.max(24 * 60, 3 * scheduleMinutes)),
      // A feed message that failed three times (our storage failing, not the feed: feed
      // failures are recorded and backed off, not retried) is parked for inspection.
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: 3 },
    });

    // ---- Functions -----------------------------------------------------------------------

    const bundling: BundlingOptions = { ...LAMBDA_BUNDLE, mainFields: [...LAMBDA_BUNDLE.mainFields], format: OutputFormat.ESM };
    const logRetention = props.logRetentionDays ?? 30;
    const powertoolsEnv = { POWERTOOLS_LOG_LEVEL: props.logLevel ?? 'INFO', NODE_OPTIONS: '--enable-source-maps' };

    // Each function has its own role with nothing attached but what is granted below: no
    // AWS-managed AWSLambdaBasicExecutionRole (its log statement is on every log group, "*").
    const dispatcherLogs = new LogGroup(this, 'DispatcherLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const dispatcherRole = new Role(this, 'DispatcherRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'wbnews dispatcher: read feed states, send feed messages, write its logs',
    });
    // 256 MB: the dispatcher reads one BatchGetItem page per 100 feeds and sends batches of
    // ten messages; it needs little memory and, at this size, ~0.15 vCPU is plenty for
    // JSON. 30 s: a cycle of 50 feeds takes well under a second; the rest is SDK retries.
    this.dispatcher = new NodejsFunction(this, 'Dispatcher', {
      description: 'wbnews: queue every due feed (runs on the schedule)',
      entry: entry('dispatcher.lambda.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      role: dispatcherRole,
      logGroup: dispatcherLogs,
      environment: {
        FEEDS_TABLE: this.feedsTable.tableName,
        QUEUE_URL: this.queue.queueUrl,
        // The dispatcher never parks a feed longer than the back-off cap.
        ...backoffEnvironment(backoff),
        ...powertoolsEnv,
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

    const ingestLogs = new LogGroup(this, 'IngestLogs', { retention: logRetention, removalPolicy: RemovalPolicy.DESTROY });
    const ingestRole = new Role(this, 'IngestRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'wbnews ingest worker: consume feed messages, store articles and feed states, write its logs',
    });
    // 512 MB (ingestMemoryMB): one invocation holds up to ingestBatchSize feed bodies at once
    // with their parsed documents. Measured: the loaded bundle is ~100 MB of RSS; a 0.5 MB feed
    // (149 items) adds ~30 MB through decode, parse, normalize, relevance and takeaways, five at
    // once ~50 MB; a feed at the 20 MiB decompressed cap adds ~220 MB, so one such feed beside
    // four ordinary ones peaks at ~360 MB. The synth refuses a memory too small for one feed at
    // the cap (minIngestMemoryMB in config.ts). 512 MB also buys ~0.3 vCPU for parsing.
    // Timeout: the records of a batch run concurrently, so a batch takes about as long as its
    // slowest feed: the fetch cap (FETCH_TIMEOUT_MS, 15 s by default), its parsing, and the
    // storage of its new articles; for a `fullText` feed also the page of each new item, one at
    // a time per host and a second apart (2-3 s a page: ~15 s for the handful of new items of a
    // 15-minute cycle, minutes for a first run). 60 s leaves room for retries; raise
    // ingestTimeoutSeconds when full-text feeds bring many new items per cycle.
    this.ingest = new NodejsFunction(this, 'Ingest', {
      description: 'wbnews: ingest one feed per queue message',
      entry: entry('ingest.lambda.ts'),
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.ingestMemoryMB ?? defaultIngestMemoryMB(props.fetchMaxDecompressedBytes ?? DEFAULT_FETCH_OPTIONS.maxDecompressedBytes),
      timeout: ingestTimeout,
      role: ingestRole,
      logGroup: ingestLogs,
      environment: {
        ARTICLES_TABLE: this.articlesTable.tableName,
        FEEDS_TABLE: this.feedsTable.tableName,
        ARTICLES_BUCKET: this.bucket.bucketName,
        ...powertoolsEnv,
        // Read by the relevance module when set; unset, data/relevance.json's scope applies.
        ...(props.scopeCountries ? { RELEVANCE_SCOPE: props.scopeCountries.join(',') } : {}),
        // Fetch politeness and limits, and the back-off (functions/adapters/env.ts reads and
        // checks them at load).
        ...fetchEnvironment(props),
        ...backoffEnvironment(backoff),
      },
      bundling,
    });

    // ---- Least privilege -----------------------------------------------------------------
    // Each function gets exactly the calls its adapters make: on the tables themselves (no
    // index access: the ingest worker queries only the articles table's base key, for
    // near-duplicate fingerprint bands), object access under named prefixes, its own log
    // group, and (the event source mapping adds these) receive/delete on the feed queue.
    dispatcherLogs.grantWrite(dispatcherRole);
    ingestLogs.grantWrite(ingestRole);
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
      'dynamodb:Query',
    );
    // Writes: article JSON, every revision under versions/ (never deleted), raw feed bodies and
    // pages. Reads: an article's current object and its kept versions (a story handed over to a
    // copy takes the copy's kept text). Deletes only under articles/ (a demoted story's object, a
    // racing loser's stray one). Listing only under those two prefixes, so a missing key reads as
    // "not found" rather than "access denied".
    const objectGrants: { prefix: string; actions: string[] }[] = [
      { prefix: 'articles/*', actions: ['s3:PutObject', 's3:GetObject', 's3:DeleteObject'] },
      { prefix: 'versions/*', actions: ['s3:PutObject', 's3:GetObject'] },
      { prefix: 'raw/*', actions: ['s3:PutObject'] },
    ];
    for (const { prefix, actions } of objectGrants) grantOn(this.ingest, [this.bucket.arnForObjects(prefix)], ...actions);
    Grant.addToPrincipal({
      grantee: this.ingest,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: { StringLike: { 's3:prefix': ['articles/*', 'versions/articles/*'] } },
    });
    const bucketId = this.getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    for (const { prefix, actions } of objectGrants) {
      Validations.of(ingestRole).acknowledge({
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}]`,
        reason: `Object keys under ${prefix} are derived from article ids and fetch times at run time; the grant is ${actions.join(', ')} under that prefix only.`,
      });
    }

    this.ingest.addEventSource(
      new SqsEventSource(this.queue, {
        // Small batches: a batch lasts as long as its slowest feed, and a failed record is
        // retried alone (reportBatchItemFailures), so small batches keep both short.
        batchSize: props.ingestBatchSize ?? 5,
        reportBatchItemFailures: true,
        // At most this many workers at once, so feed hosts (and our tables) are not hammered.
        // The cap is on the event source, not reserved concurrency: reserving would take from
        // the account's pool (new accounts have only 10) and make SQS deliveries throttle.
        maxConcurrency: props.ingestMaxConcurrency ?? 5,
      }),
    );

    // ---- Schedule ------------------------------------------------------------------------

    this.schedule = new Rule(this, 'Schedule', {
      description: `wbnews: one ingest cycle every ${scheduleMinutes} minutes`,
      schedule: Schedule.rate(Duration.minutes(scheduleMinutes)),
      targets: [
        new LambdaFunction(this.dispatcher, {
          retryAttempts: 2,
          // A cycle that could not start within its own period is superseded by the next one.
          maxEventAge: Duration.minutes(Math.max(scheduleMinutes, 1)),
        }),
      ],
    });

    // ---- Monitoring ----------------------------------------------------------------------

    this.monitoring = new Monitoring(this, 'Monitoring', {
      dispatcher: this.dispatcher,
      ingest: this.ingest,
      queue: this.queue,
      deadLetterQueue: this.deadLetterQueue,
      dispatcherLogGroup: dispatcherLogs,
      ingestLogGroup: ingestLogs,
      scheduleMinutes,
      ...(props.alarmEmail ? { alarmEmail: props.alarmEmail } : {}),
      alarmFeedFailures: props.alarmFeedFailures ?? 6,
      backoff,
      alarmNoArticlesHours: props.alarmNoArticlesHours ?? defaultNoArticlesHours(scheduleMinutes),
    });
    Validations.of(this.monitoring.topic).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SNS2',
      reason:
        'The topic carries only alarm state changes (alarm names, thresholds, metric values), no article or personal data. ' +
        'Server-side encryption would need a customer-managed KMS key whose policy admits CloudWatch (the AWS-managed SNS key does not); publishing is SSL-only.',
    });

    // ---- Analytics (optional) ------------------------------------------------------------

    if (props.athena) {
      this.athena = new ArticlesAthena(this, 'Athena', {
        bucket: this.bucket,
        ...(this.accessLogsBucket ? { accessLogsBucket: this.accessLogsBucket } : {}),
        removalPolicy: dataRemoval,
      });
      if (!this.accessLogsBucket) {
        Validations.of(this.athena.resultsBucket).acknowledge({
          id: 'AwsSolutions::AwsSolutions-S1',
          reason: 'Access logging was turned off by context (accessLogging=false); query results expire and are written only through the workgroup.',
        });
      }
      new CfnOutput(this, 'AthenaWorkGroup', { value: this.athena.workGroup.name, description: 'Athena workgroup to run queries in' });
      new CfnOutput(this, 'AthenaTable', { value: `${this.athena.databaseName}.${this.athena.tableName}`, description: 'Glue table over the article JSON' });
    }

    // ---- Outputs -------------------------------------------------------------------------

    new CfnOutput(this, 'BucketName', { value: this.bucket.bucketName, description: 'Articles (articles/) and raw feed bodies (raw/)' });
    new CfnOutput(this, 'ArticlesTableName', { value: this.articlesTable.tableName });
    new CfnOutput(this, 'FeedsTableName', { value: this.feedsTable.tableName });
    new CfnOutput(this, 'FeedQueueUrl', { value: this.queue.queueUrl });
    new CfnOutput(this, 'DeadLetterQueueUrl', { value: this.deadLetterQueue.queueUrl });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn, description: 'Subscribe to receive alarm notifications' });
    new CfnOutput(this, 'DashboardUrl', {
      value: `https://console.aws.amazon.com/cloudwatch/home?region=${this.region}#dashboards/dashboard/${this.monitoring.dashboard.dashboardName}`,
    });
    new CfnOutput(this, 'IngestLogGroup', { value: ingestLogs.logGroupName });
    new CfnOutput(this, 'DispatcherLogGroup', { value: dispatcherLogs.logGroupName });
  }
}
