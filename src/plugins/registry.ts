import { plugin as amazonEbs } from '../builders/amazon-ebs/index.js';
import { plugin as amazonChroot } from '../builders/amazon-chroot/index.js';
import { plugin as openstack } from '../builders/openstack/index.js';
import { plugin as nullBuilder } from '../builders/null/index.js';
import { plugin as qemu } from '../builders/qemu/index.js';
import { plugin as chroot } from '../builders/chroot/index.js';
import { plugin as shell } from '../provisioners/shell/index.js';
import { plugin as file } from '../provisioners/file/index.js';
import { plugin as shellLocal } from '../provisioners/shell-local/index.js';
import { plugin as state } from '../provisioners/state/index.js';
import { plugin as ansible } from '../provisioners/ansible/index.js';
import { plugin as breakpoint } from '../provisioners/breakpoint/index.js';
import { plugin as ansibleLocal } from '../provisioners/ansible-local/index.js';
import { plugin as amazonAsg } from '../postprocessors/amazon-asg/index.js';
import { plugin as amazonAmiRetention } from '../postprocessors/amazon-ami-retention/index.js';
import { plugin as manifest } from '../postprocessors/manifest/index.js';
import { plugin as checksum } from '../postprocessors/checksum/index.js';
import { plugin as compress } from '../postprocessors/compress/index.js';
import { plugin as vagrant } from '../postprocessors/vagrant/index.js';
import { plugin as shellLocalPostProcessor } from '../postprocessors/shell-local/index.js';
import type { BuilderPlugin, PostProcessorPlugin, ProvisionerPlugin } from './types.js';

/** Every plugin bake ships. Cloud SDKs are imported lazily inside the plugins, so this stays cheap to load. */
export interface Registry {
  builders: Map<string, BuilderPlugin>;
  provisioners: Map<string, ProvisionerPlugin>;
  postProcessors: Map<string, PostProcessorPlugin>;
}

export function makeRegistry(plugins: {
  builders: BuilderPlugin[];
  provisioners: ProvisionerPlugin[];
  postProcessors: PostProcessorPlugin[];
}): Registry {
  return {
    builders: new Map(plugins.builders.map((p) => [p.type, p])),
    provisioners: new Map(plugins.provisioners.map((p) => [p.type, p])),
    postProcessors: new Map(plugins.postProcessors.map((p) => [p.type, p])),
  };
}

export const registry: Registry = makeRegistry({
  builders: [amazonEbs, amazonChroot, openstack, nullBuilder, qemu, chroot],
  provisioners: [shell, file, shellLocal, state, ansible, ansibleLocal, breakpoint],
  postProcessors: [manifest, checksum, compress, vagrant, shellLocalPostProcessor, amazonAsg, amazonAmiRetention],
});
