import { Match, type Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DISPATCHER_METRICS, INGEST_METRICS } from '../../functions/adapters/metrics';
import { hoursOfFailingBefore } from '../../infra/monitoring';
import { idOf, only, synth } from './synth';

let template: Template;
beforeAll(() => {
  template = synth();
});

type Alarm = Record<string, unknown> & { AlarmActions: unknown[]; OKActions: unknown[] };
const alarms = (t: Template): Alarm[] => Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a['Properties'] as Alarm);
const alarmLike = (t: Template, description: RegExp): Alarm => {
  const found = alarms(t).filter((a) => description.test(String(a['AlarmDescription'])));
  expect(found).toHaveLength(1);
  return found[0] as Alarm;
};

describe('alarm topic', () => {
  it('sends every alarm and its recovery to the one SNS topic', () => {
    const topic = idOf(template, 'AWS::SNS::Topic');
    const all = alarms(template);
    expect(all).toHaveLength(6);
    for (const a of all) {
      expect(a.AlarmActions).toEqual([{ Ref: topic }]);
      expect(a.OKActions).toEqual([{ Ref: topic }]);
    }
  });

  it('has no subscription by default, and an e-mail subscription when alarmEmail is given', () => {
    expect(template.findResources('AWS::SNS::Subscription')).toEqual({});
    const t = synth({ alarmEmail: 'ops@example.org' });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org', TopicArn: { Ref: idOf(t, 'AWS::SNS::Topic') } });
  });
});

describe('alarms', () => {
  it('raises on any message in the dead-letter queue', () => {
    const dlqId = idOf(template, 'AWS::SQS::Queue', { MessageRetentionPeriod: 14 * 24 * 3600 });
    expect(alarmLike(template, /dead-letter queue/)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  it('raises on worker errors: invocation errors plus records reported as failed, per cycle', () => {
    const ingest = idOf(template, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('ingest') });
    const a = alarmLike(template, /ingest worker failed/);
    expect(a).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching' });
    expect(a['Metrics']).toEqual([
      { Expression: 'FILL(errors, 0) + FILL(failed, 0)', Id: 'expr_1', Label: 'ingest errors + failed records', ReturnData: true },
      {
        Id: 'errors',
        MetricStat: { Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [{ Name: 'FunctionName', Value: { Ref: ingest } }] }, Period: 900, Stat: 'Sum' },
        ReturnData: false,
      },
      {
        Id: 'failed',
        MetricStat: { Metric: { Namespace: 'Wbnews', MetricName: INGEST_METRICS.recordsFailed, Dimensions: [{ Name: 'service', Value: 'wbnews-ingest' }] }, Period: 900, Stat: 'Sum' },
        ReturnData: false,
      },
    ]);
  });

  it('raises on dispatcher errors', () => {
    const dispatcher = idOf(template, 'AWS::Lambda::Function', { Description: Match.stringLikeRegexp('due feed') });
    expect(alarmLike(template, /dispatcher failed/)).toMatchObject({
      Namespace: 'AWS/Lambda',
      MetricName: 'Errors',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: dispatcher } }],
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('raises when a feed has failed alarmFeedFailures times in a row, from the gauge the dispatcher emits every cycle', () => {
    expect(alarmLike(template, /failed 6 times in a row/)).toMatchObject({
      Namespace: 'Wbnews',
      MetricName: DISPATCHER_METRICS.maxConsecutiveFailures,
      Dimensions: [{ Name: 'service', Value: 'wbnews-dispatcher' }],
      Statistic: 'Maximum',
      Period: 900,
      Threshold: 6,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'ignore',
    });
    expect(alarmLike(synth({ alarmFeedFailures: 3 }), /failed 3 times in a row/)).toMatchObject({ Threshold: 3 });
  });

  it('states the failure threshold as time under the default back-off', () => {
    // Retries after 15, 30, 60, 120 and 240 minutes: the 6th failure comes 7h45 after the first.
    expect(hoursOfFailingBefore(6, 15)).toBe(7.8);
    expect(hoursOfFailingBefore(1, 15)).toBe(0);
    // Delays round up to whole schedule periods: the dispatcher only looks every 60 minutes.
    expect(hoursOfFailingBefore(3, 60)).toBe(2);
    expect(alarmLike(template, /failed 6 times/)['AlarmDescription']).toContain('about 7.8 hours or more, with retries after 15 min, doubling, at most 24 h apart');
  });

  it('states the failure threshold under the back-off this deployment runs with', () => {
    // Base 5 min, cap 1 h, every 15 min: delays 5, 10, 20, 40, 60 round up to 15, 15, 30, 45, 60 minutes.
    expect(hoursOfFailingBefore(6, 15, { baseMs: 5 * 60_000, maxMs: 3_600_000 })).toBe(2.8);
    // The cap matters: with 2 h, the 6th failure comes 15+30+60+120+120 min after the first.
    expect(hoursOfFailingBefore(6, 15, { baseMs: 15 * 60_000, maxMs: 2 * 3_600_000 })).toBe(5.8);
    // Past the cap, every further failure adds one capped delay: 15 × 4 + 30 + 45 + 93 × 60 minutes.
    expect(hoursOfFailingBefore(100, 15, { baseMs: 60_000, maxMs: 3_600_000 })).toBe(95.3);
    const t = synth({ backoffBaseMinutes: 5, backoffMaxHours: 1 });
    expect(alarmLike(t, /failed 6 times/)['AlarmDescription']).toContain('about 2.8 hours or more, with retries after 5 min, doubling, at most 1 h apart');
    expect(alarmLike(synth({ backoffMaxHours: 2 }), /failed 6 times/)['AlarmDescription']).toContain('about 5.8 hours');
  });

  it('raises when no new article was stored for 12 hours (every hourly sum below 1, a silent worker counting as breaching)', () => {
    expect(alarmLike(template, /No new article/)).toMatchObject({
      Namespace: 'Wbnews',
      MetricName: INGEST_METRICS.articlesStored,
      Dimensions: [{ Name: 'service', Value: 'wbnews-ingest' }],
      Statistic: 'Sum',
      Period: 3600,
      EvaluationPeriods: 12,
      DatapointsToAlarm: 12,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    expect(alarmLike(synth({ alarmNoArticlesHours: 48 }), /No new article was stored for 48 hours/)).toMatchObject({ EvaluationPeriods: 48, DatapointsToAlarm: 48 });
  });

  it('gives a daily schedule a no-article window of two days, so a quiet day between cycles raises nothing', () => {
    const t = synth({ scheduleMinutes: 1440 });
    expect(alarmLike(t, /No new article was stored for 48 hours/)).toMatchObject({ Period: 3600, EvaluationPeriods: 48, DatapointsToAlarm: 48 });
  });

  it('raises when feed messages wait longer than two cycles', () => {
    expect(alarmLike(template, /waited longer than two schedule periods/)).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Threshold: 1800,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });

  it('keeps feed messages longer than the backlog alarm waits, whatever the schedule', () => {
    for (const scheduleMinutes of [15, 480, 720, 1440]) {
      const t = synth({ scheduleMinutes });
      const threshold = alarmLike(t, /waited longer than two schedule periods/)['Threshold'] as number;
      const retention = only(t, 'AWS::SQS::Queue', { VisibilityTimeout: 360 }).Properties['MessageRetentionPeriod'] as number;
      expect(threshold, `scheduleMinutes=${scheduleMinutes}`).toBeLessThan(retention);
    }
  });

  it('judges errors and feed health over the schedule period', () => {
    const t = synth({ scheduleMinutes: 30 });
    expect(alarmLike(t, /failed 6 times in a row/)).toMatchObject({ Period: 1800 });
    expect(alarmLike(t, /dispatcher failed/)).toMatchObject({ Period: 1800 });
    expect(alarmLike(t, /waited longer/)).toMatchObject({ Threshold: 3600 });
  });
});

describe('dashboard', () => {
  const body = (t: Template): string => {
    const dashboard = only(t, 'AWS::CloudWatch::Dashboard');
    const parts = (dashboard.Properties['DashboardBody'] as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
    return parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join('');
  };

  it('charts every pipeline metric: feeds fetched/unchanged/failed, items parsed/relevant/stored/duplicates, fetch latency, failing feeds', () => {
    const text = body(template);
    for (const name of [...Object.values(INGEST_METRICS), ...Object.values(DISPATCHER_METRICS)]) {
      expect(text).toContain(`"${name}"`);
    }
    for (const stat of ['p50', 'p90', 'p99']) expect(text).toContain(`"stat":"${stat}"`);
    expect(text).toContain('"Wbnews"');
  });

  it('shows the state of all six alarms, the queues, the functions and a Logs Insights query of failed feeds', () => {
    const text = body(template);
    expect(text).toContain('"type":"alarm"');
    expect((text.match(/MonitoringDeadLettersAlarm|MonitoringIngestErrorsAlarm|MonitoringDispatcherErrorsAlarm|MonitoringFeedsFailingAlarm|MonitoringNoNewArticlesAlarm|MonitoringQueueBacklogAlarm/g) ?? []).length).toBeGreaterThanOrEqual(6);
    expect(text).toContain('ApproximateAgeOfOldestMessage');
    expect(text).toContain('ConcurrentExecutions');
    expect(text).toContain('filter message = \\"feed outcome\\" and outcome = \\"failed\\"');
  });

  it('is named after the stack (context stackName)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'Wbnews-pipeline' });
    synth({ stackName: 'WbnewsStaging' }).hasResourceProperties('AWS::CloudWatch::Dashboard', { DashboardName: 'WbnewsStaging-pipeline' });
  });
});
