import { ArnFormat, Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  LogQueryWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DISPATCHER_METRICS, INGEST_METRICS, METRICS_NAMESPACE, SERVICES } from '../functions/adapters/metrics';
import { DEFAULT_BACKOFF, type BackoffPolicy } from '../functions/ingest/schedule';

export interface MonitoringProps {
  readonly dispatcher: IFunction;
  readonly ingest: IFunction;
  readonly queue: IQueue;
  readonly deadLetterQueue: IQueue;
  readonly dispatcherLogGroup: ILogGroup;
  readonly ingestLogGroup: ILogGroup;
  /** Minutes between ingest cycles: the natural period of the pipeline's metrics. */
  readonly scheduleMinutes: number;
  /** Subscribed by e-mail to the alarm topic. @default - no subscription */
  readonly alarmEmail?: string;
  /** Failure streak of one feed that raises the "feeds failing" alarm. */
  readonly alarmFeedFailures: number;
  /** Hours without a new stored article that raise the "no new articles" alarm. */
  readonly alarmNoArticlesHours: number;
  /** The failing-feed back-off the functions run with: states the failure threshold as time. @default DEFAULT_BACKOFF */
  readonly backoff?: BackoffPolicy;
}

/**
 * Alarms to one SNS topic (ALARM and OK transitions), and a dashboard of the pipeline's
 * metrics: feeds fetched/unchanged/failed, items parsed, relevant, stored, duplicates, fetch
 * latency, the failing feeds, the queues and the functions.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly dashboard: Dashboard;
  readonly alarms: {
    readonly deadLetters: Alarm;
    readonly ingestErrors: Alarm;
    readonly dispatcherErrors: Alarm;
    readonly feedsFailing: Alarm;
    readonly noNewArticles: Alarm;
    readonly queueBacklog: Alarm;
  };

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Errors and feed health are judged per cycle: the worker runs once per schedule period,
    // so a shorter period would just be empty, and a longer one would delay the alarm.
    const cycle = Duration.minutes(Math.min(Math.max(props.scheduleMinutes, 5), 60));
    const ingestMetric = (name: string, statistic: string, period: Duration = cycle): Metric =>
      new Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: SERVICES.ingest }, statistic, period });
    const dispatcherMetric = (name: string, statistic: string): Metric =>
      new Metric({
        namespace: METRICS_NAMESPACE,
        metricName: name,
        dimensionsMap: { service: SERVICES.dispatcher },
        statistic,
        // One data point per cycle: the period is the schedule, so every period holds one.
        period: Duration.minutes(props.scheduleMinutes),
      });

    this.topic = new Topic(this, 'AlarmTopic', { displayName: 'wbnews alarms', enforceSSL: true });
    // CloudWatch alarms of this account and region publish state changes here (the topic
    // policy CDK writes for enforceSSL would otherwise leave only the deny statement).
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'AllowCloudWatchAlarms',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));

    const action = new SnsAction(this.topic);
    const alarm = (a: Alarm): Alarm => {
      a.addAlarmAction(action);
      a.addOkAction(action);
      return a;
    };

    const backoff = props.backoff ?? DEFAULT_BACKOFF;
    const backoffHours = hoursOfFailingBefore(props.alarmFeedFailures, props.scheduleMinutes, backoff);
    this.alarms = {
      // A message lands here after three failed receives: our storage failed on that feed
      // three times in a row (feed failures themselves are recorded, not retried).
      deadLetters: alarm(
        new Alarm(this, 'DeadLettersAlarm', {
          alarmDescription: 'Feed messages in the dead-letter queue: a record failed three times (storage error or malformed message). Inspect the DLQ and the ingest logs ("record failed"), fix, then redrive.',
          metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ),
      // Invocation errors (a crash, a timeout) plus records reported back as failed.
      ingestErrors: alarm(
        new Alarm(this, 'IngestErrorsAlarm', {
          alarmDescription: 'The ingest worker failed: invocation errors or records it could not complete. See the ingest logs (level ERROR).',
          metric: new MathExpression({
            expression: 'FILL(errors, 0) + FILL(failed, 0)',
            label: 'ingest errors + failed records',
            usingMetrics: {
              errors: props.ingest.metricErrors({ period: cycle, statistic: 'Sum' }),
              failed: ingestMetric(INGEST_METRICS.recordsFailed, 'Sum'),
            },
            period: cycle,
          }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ),
      dispatcherErrors: alarm(
        new Alarm(this, 'DispatcherErrorsAlarm', {
          alarmDescription: 'The dispatcher failed: no feed was queued this cycle. See the dispatcher logs (level ERROR).',
          metric: props.dispatcher.metricErrors({ period: cycle, statistic: 'Sum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ),
      // The dispatcher reports the longest failure streak every cycle, so the alarm holds for
      // as long as a feed keeps failing, not only when it is retried (back-off spaces retries
      // up to a day apart).
      feedsFailing: alarm(
        new Alarm(this, 'FeedsFailingAlarm', {
          alarmDescription:
            `A feed has failed ${props.alarmFeedFailures} times in a row (failing for about ${backoffHours} hours or more, ` +
            `with retries after ${describeMinutes(backoff.baseMs / 60_000)}, doubling, at most ${describeMinutes(backoff.maxMs / 60_000)} apart). ` +
            'The dispatcher logs "feeds failing" every cycle with each feed id, streak and error code.',
          metric: dispatcherMetric(DISPATCHER_METRICS.maxConsecutiveFailures, 'Maximum'),
          threshold: props.alarmFeedFailures,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          // A cycle without a data point (jitter at a period edge) changes nothing.
          treatMissingData: TreatMissingData.IGNORE,
        }),
      ),
      // Zeros are emitted for every feed outcome, so "missing" means the worker did not run at
      // all: that is breaching too.
      noNewArticles: alarm(
        new Alarm(this, 'NoNewArticlesAlarm', {
          alarmDescription: `No new article was stored for ${props.alarmNoArticlesHours} hours: feeds failing, relevance too strict, or the pipeline not running.`,
          metric: ingestMetric(INGEST_METRICS.articlesStored, 'Sum', Duration.hours(1)),
          threshold: 1,
          comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: props.alarmNoArticlesHours,
          datapointsToAlarm: props.alarmNoArticlesHours,
          treatMissingData: TreatMissingData.BREACHING,
        }),
      ),
      // Messages waiting longer than two cycles: the worker is not keeping up (or not running).
      queueBacklog: alarm(
        new Alarm(this, 'QueueBacklogAlarm', {
          alarmDescription: 'Feed messages have waited longer than two schedule periods: the ingest worker is not keeping up or not consuming. Check its errors, throttles and maximum concurrency.',
          metric: props.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum' }),
          threshold: Math.max(2 * props.scheduleMinutes, 10) * 60,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      ),
    };

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${stack.stackName}-pipeline`,
      defaultInterval: Duration.days(1),
    });
    const m = INGEST_METRICS;
    const sum = (name: string, label: string): Metric => ingestMetric(name, 'Sum').with({ label });
    const widgets: IWidget[][] = [
      [
        new TextWidget({
          markdown:
            `### wbnews pipeline\nOne cycle every ${props.scheduleMinutes} min: schedule → dispatcher → feed queue → ingest worker. ` +
            'Counts are sums per cycle; per-feed detail is in the ingest log lines `feed outcome` and the dispatcher line `feeds failing`.',
          width: 24,
          height: 2,
        }),
      ],
      [new AlarmStatusWidget({ title: 'Alarms', alarms: Object.values(this.alarms), width: 24, height: 3 })],
      [
        new GraphWidget({
          title: 'Feeds per cycle',
          left: [sum(m.feedsFetched, 'fetched'), sum(m.feedsUnchanged, 'unchanged'), sum(m.feedsFailed, 'failed')],
          stacked: true,
          width: 8,
        }),
        new GraphWidget({
          title: 'Items per cycle',
          left: [sum(m.itemsParsed, 'parsed'), sum(m.itemsRelevant, 'relevant'), sum(m.articlesStored, 'stored'), sum(m.duplicates, 'duplicates')],
          width: 8,
        }),
        new GraphWidget({
          title: 'Fetch latency (ms)',
          left: ['p50', 'p90', 'p99', 'Maximum'].map((s) => ingestMetric(m.fetchLatency, s).with({ label: s })),
          width: 8,
        }),
      ],
      [
        new GraphWidget({
          title: 'Failing feeds',
          left: [dispatcherMetric(DISPATCHER_METRICS.failingFeeds, 'Maximum').with({ label: 'failing feeds' })],
          right: [dispatcherMetric(DISPATCHER_METRICS.maxConsecutiveFailures, 'Maximum').with({ label: 'longest failure streak' })],
          rightAnnotations: [{ value: props.alarmFeedFailures, label: 'alarm' }],
          width: 8,
        }),
        new GraphWidget({
          title: 'Feed queue',
          left: [
            dispatcherMetric(DISPATCHER_METRICS.feedsDispatched, 'Sum').with({ label: 'dispatched' }),
            props.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum', label: 'waiting' }),
            props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum', label: 'dead letters' }),
          ],
          right: [props.queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5), statistic: 'Maximum', label: 'oldest (s)' })],
          width: 8,
        }),
        new GraphWidget({
          title: 'Records failed / Lambda errors',
          left: [
            sum(m.recordsFailed, 'records failed'),
            props.ingest.metricErrors({ period: cycle, label: 'ingest errors' }),
            props.dispatcher.metricErrors({ period: cycle, label: 'dispatcher errors' }),
          ],
          width: 8,
        }),
      ],
      [
        new GraphWidget({
          title: 'Ingest worker',
          left: [props.ingest.metricInvocations({ period: cycle, label: 'invocations' }), props.ingest.metricThrottles({ period: cycle, label: 'throttles' })],
          right: [props.ingest.metricDuration({ period: cycle, statistic: 'p90', label: 'duration p90 (ms)' })],
          width: 12,
        }),
        new GraphWidget({
          title: 'Ingest concurrency',
          left: [
            new Metric({
              namespace: 'AWS/Lambda',
              metricName: 'ConcurrentExecutions',
              dimensionsMap: { FunctionName: props.ingest.functionName },
              statistic: 'Maximum',
              period: Duration.minutes(1),
              label: 'concurrent executions',
            }),
          ],
          width: 12,
        }),
      ],
      [
        new LogQueryWidget({
          title: 'Failed feeds (last period of the dashboard)',
          logGroupNames: [props.ingestLogGroup.logGroupName],
          queryLines: [
            'fields @timestamp, feedId, error.code, error.message',
            'filter message = "feed outcome" and outcome = "failed"',
            'stats count(*) as failures, latest(error.code) as code, latest(error.message) as lastError by feedId',
            'sort failures desc',
            'limit 50',
          ],
          width: 24,
          height: 6,
        }),
      ],
    ];
    for (const row of widgets) this.dashboard.addWidgets(...row);
  }
}

/**
 * How long a feed has been failing when its streak reaches `failures`, under the back-off
 * `policy` (a delay of baseMs after the first failure, doubling, at most maxMs) and a dispatcher
 * that runs every `scheduleMinutes` (a delay ends at the first cycle after it). Shown in the
 * alarm description so the threshold reads as time.
 *
 * @example hoursOfFailingBefore(6, 15) // 7.8: retries after 15, 30, 60, 120 and 240 minutes
 */
export function hoursOfFailingBefore(failures: number, scheduleMinutes: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  let minutes = 0;
  for (let k = 1; k < failures; k++) {
    const delay = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(40, k - 1)) / 60_000;
    minutes += Math.ceil(delay / scheduleMinutes) * scheduleMinutes;
  }
  return Math.round((minutes / 60) * 10) / 10;
}

/** 90 → "90 min", 120 → "2 h", 1440 → "24 h". */
function describeMinutes(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} h` : `${Math.round(minutes * 10) / 10} min`;
}
