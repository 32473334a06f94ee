import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ConfigError } from '../functions/core/errors';
import { WbnewsStack } from './stack';
import { readStackConfig } from './config';

// The CDK app: `npx cdk synth` / `npx cdk deploy`. cdk-nag's AwsSolutions pack is registered
// before the first synth; any finding that is not acknowledged (with a reason) fails the synth.
// A configuration mistake (a bad context value, a bad feeds file) is the operator's to fix, not
// a bug: it is printed as one line, `wbnews: <what was wrong, and the value>`, with exit code 1.
const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
try {
  const config = readStackConfig(app.node);
  new WbnewsStack(app, config.stackName, {
    ...config,
    description: 'wbnews: Western Balkans news ingestion pipeline',
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`wbnews: ${error.message}\n`);
  process.exit(1);
}
