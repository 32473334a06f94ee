import { App, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { readStackConfig } from '../../infra/config';
import { WbnewsStack } from '../../infra/stack';

// The context of cdk.json (feature flags included), so these templates are the ones `cdk synth`
// makes, with bundling skipped: no esbuild run, the asset is the source folder. The one full
// synth with bundling and cdk-nag is `npm run synth`, the last step of `npm test`.
const CDK_JSON_CONTEXT = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context;

export function makeApp(context: Record<string, unknown> = {}, options: { nag?: boolean } = {}): { app: App; stack: WbnewsStack } {
  const app = new App({
    outdir: mkdtempSync(join(tmpdir(), 'wbnews-cdk-')),
    context: { ...CDK_JSON_CONTEXT, 'aws:cdk:bundling-stacks': [], ...context },
  });
  if (options.nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const stack = new WbnewsStack(app, 'Test', readStackConfig(app.node));
  return { app, stack };
}

export function synth(context: Record<string, unknown> = {}): Template {
  return counted(Template.fromStack(makeApp(context).stack));
}

/** Template methods that assert (they throw with CDK's account of the difference). */
const CDK_ASSERTIONS = /^(has[A-Z]\w*|all(Resources|ResourcesProperties)|resourceCountIs|resourcePropertiesCountIs|templateMatches)$/;

/**
 * The template, with CDK's own assertions (hasResourceProperties, resourceCountIs...) run as
 * vitest assertions, so `expect.requireAssertions` sees them: each runs inside
 * `expect(...).not.toThrow()`, and a mismatch still fails with CDK's message.
 */
function counted(template: Template): Template {
  return new Proxy(template, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      const method = value as (...args: unknown[]) => unknown;
      if (typeof key !== 'string' || !CDK_ASSERTIONS.test(key)) return method.bind(target);
      return (...args: unknown[]): unknown => {
        let result: unknown;
        expect(() => {
          result = method.apply(target, args);
        }, `Template.${key}`).not.toThrow();
        return result;
      };
    },
  });
}

type Resource = { Type: string; Properties: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string };

/** The one resource of a type whose properties match, or a failure naming how many matched. */
export function only(template: Template, type: string, props: Record<string, unknown> = {}): Resource {
  const found = Object.values(template.findResources(type, { Properties: props })) as Resource[];
  if (found.length !== 1) throw new Error(`expected one ${type} matching ${JSON.stringify(props)}, found ${found.length}`);
  return found[0] as Resource;
}

/** The logical id of the one resource of a type whose properties match. */
export function idOf(template: Template, type: string, props: Record<string, unknown> = {}): string {
  const ids = Object.keys(template.findResources(type, { Properties: props }));
  if (ids.length !== 1) throw new Error(`expected one ${type} matching ${JSON.stringify(props)}, found ${ids.length}`);
  return ids[0] as string;
}
