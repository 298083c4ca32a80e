import type { Artifact } from '../../../src/core/artifact.js';
import { plugin } from '../../../src/postprocessors/amazon-asg/index.js';
import { validatorFor } from '../../../src/template/load/ajv.js';
import { FakeAws } from '../../fakes/asg/index.js';

export const REGION = 'us-east-1';

/** The config as the template layer hands it over: validated by the plugin's schema, defaults filled in. */
export function makeAsg(config: Record<string, unknown>) {
  const c = structuredClone(config);
  const validate = validatorFor(plugin.schema);
  if (!validate(c)) throw new Error(JSON.stringify(validate.errors));
  return plugin.create(c, { file: 't.json', path: 'post-processors[0]', templateDir: process.cwd() });
}

export function ebsArtifact(images: Record<string, string>): Artifact {
  return {
    builderType: 'amazon-ebs',
    buildName: 'web',
    id: Object.entries(images).map(([r, a]) => `${r}:${a}`).join(','),
    files: [],
    images,
    metadata: { sourceAmi: 'ami-base' },
    description: 'AMIs were created',
  };
}

/** One region with an old and a new AMI, a launch template (versions 1-2, default 2) and a group on $Default. */
export function seed(world: FakeAws, version = '$Default') {
  world.addImage(REGION, 'ami-old0001');
  world.addImage(REGION, 'ami-new0001');
  const lt = world.addTemplate(REGION, 'web-lt', ['ami-old0000', 'ami-old0001']);
  const group = world.addGroup(REGION, { name: 'web', template: { templateId: lt.id, version }, tags: { app: 'web' } });
  return { lt, group };
}

export const fast = { poll_interval: '10ms', timeout: '5s' };
