import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { WbnewsStack } from './stack';
import { readStackConfig } from './config';

// The CDK app: `npx cdk synth` / `npx cdk deploy`. cdk-nag's AwsSolutions pack is registered
// before the first synth; any finding that is not acknowledged (with a reason) fails the synth.
const app = new App();
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
const config = readStackConfig(app.node);
new WbnewsStack(app, config.stackName, {
  ...config,
  description: 'wbnews: Western Balkans news ingestion pipeline',
});
