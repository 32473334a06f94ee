import { Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { describe, expect, it } from 'vitest';
import { makeApp } from './synth';

// cdk-nag's AwsSolutions pack runs at synth; an unacknowledged finding fails it. The full synth
// of `npm test` checks the default configuration with bundling; these check the others.
describe('cdk-nag AwsSolutions', () => {
  const configurations: [string, Record<string, unknown>][] = [
    ['the defaults', {}],
    ['Athena, an alarm e-mail and a throwaway stack', { athena: true, alarmEmail: 'ops@example.org', removalPolicy: 'destroy' }],
    ['no access logging, with Athena', { accessLogging: false, athena: true }],
    ['no access logging, throwaway', { accessLogging: false, removalPolicy: 'destroy' }],
  ];
  for (const [name, context] of configurations) {
    it(`passes with ${name}`, () => {
      const { app } = makeApp(context, { nag: true });
      expect(() => app.synth()).not.toThrow();
    });
  }

  it('fails the synth on a finding nobody acknowledged', () => {
    const { app, stack } = makeApp({}, { nag: true });
    new Bucket(stack, 'Careless');
    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('ERROR The S3 Bucket or bucket policy does not require requests to use SSL. (AwsSolutions)');
    expect(message).toContain('Test/Careless/Resource');
    expect(message).toContain("Acknowledge with 'AwsSolutions::AwsSolutions-S10'");
  });

  it('acknowledges only these findings, each with its reason, in every configuration', () => {
    const acknowledged = (context: Record<string, unknown>) => {
      const { stack } = makeApp(context);
      return stack.node.findAll().flatMap((c) =>
        c.node.metadata
          .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
          .flatMap((m) => Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({ path: c.node.path, id, reason }))),
      );
    };
    const all = [
      ...acknowledged({ athena: true }),
      ...acknowledged({ accessLogging: false, athena: true }),
      // Throwaway stacks add CDK's auto-delete provider, whose role keeps no managed policy: nothing more to acknowledge.
      ...acknowledged({ removalPolicy: 'destroy', athena: true }),
      ...acknowledged({ removalPolicy: 'destroy', accessLogging: false }),
    ];
    for (const { reason } of all) expect(reason.length).toBeGreaterThan(60);
    expect([...new Set(all.map((a) => `${a.path} ${a.id.replace(/<\w+\.Arn>/, '<bucket>')}`))].sort()).toEqual([
      'Test/AccessLogs AwsSolutions::AwsSolutions-S1',
      'Test/Articles AwsSolutions::AwsSolutions-S1',
      'Test/Athena/Results AwsSolutions::AwsSolutions-S1',
      'Test/IngestRole AwsSolutions::AwsSolutions-IAM5[Resource::<bucket>/articles/*]',
      'Test/IngestRole AwsSolutions::AwsSolutions-IAM5[Resource::<bucket>/raw/*]',
      'Test/IngestRole AwsSolutions::AwsSolutions-IAM5[Resource::<bucket>/versions/*]',
      'Test/Monitoring/AlarmTopic AwsSolutions::AwsSolutions-SNS2',
    ]);
  });
});
