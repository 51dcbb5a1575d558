import { App, type Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp, type EnvironmentStacks } from '../lib/app.js';
import { readContext, type EnvironmentName } from '../lib/settings.js';

/** The defaults cdk.json gives `cdk synth`, so tests see what operators see. */
const CDK_JSON_CONTEXT = { primaryRegion: 'sa-east-1', standbyRegion: 'us-east-1', hostedZoneName: 'barberpro.ar', readReplica: false, guardDuty: true, '@aws-cdk/core:defaultCrossStackReferences': 'strong' };

export function synth(environments: EnvironmentName[], context: Record<string, unknown> = {}, options: { nag?: boolean } = {}) {
  const app = new App({ context: { ...CDK_JSON_CONTEXT, environments: environments.join(','), ...context } });
  // No account in the environment: tests must not depend on the machine's AWS settings.
  const stacks = buildApp(app, readContext((key) => app.node.tryGetContext(key), {}), { nag: options.nag ?? false });
  return { app, stacks: stacks as Record<EnvironmentName, EnvironmentStacks> };
}

const cache = new WeakMap<Stack, Template>();
export function template(stack: Stack): Template {
  let found = cache.get(stack);
  if (!found) cache.set(stack, (found = Template.fromStack(stack)));
  return found;
}

/** The one resource of a type whose properties match, with its logical id. */
export function only(t: Template, type: string, props: Record<string, unknown> = {}): { id: string; resource: { Properties: Record<string, any> } } {
  const found = t.findResources(type, { Properties: Match.objectLike(props) });
  const ids = Object.keys(found);
  if (ids.length !== 1) throw new Error(`expected one ${type} matching ${JSON.stringify(props)}, found ${ids.length}`);
  const id = ids[0]!;
  return { id, resource: found[id] as { Properties: Record<string, any> } };
}

/** Alarms whose description starts with the given text. */
export function alarm(t: Template, description: string): { id: string; props: Record<string, any> } {
  const found = Object.entries(t.findResources('AWS::CloudWatch::Alarm')).filter(([, r]) => String((r as any).Properties.AlarmDescription).startsWith(description));
  if (found.length !== 1) throw new Error(`expected one alarm described "${description}…", found ${found.length}`);
  return { id: found[0]![0], props: (found[0]![1] as any).Properties };
}
