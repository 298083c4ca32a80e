import { nova } from '../../cloud/openstack/index.js';
import { BakeError } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import type { ResolvedOpenstack } from './resolved.js';
import type { AuthState } from './state.js';

/** `flavor` is an id or a name, as in Packer; a name must match exactly one flavor. */
export function stepFlavor(config: ResolvedOpenstack): Step<AuthState, { flavorId: string; flavorDisk?: number }> {
  return {
    name: 'flavor',
    run: async (ctx, { session }) => {
      const flavors = await nova.listFlavors(session, ctx.signal);
      const byId = flavors.find((f) => f.id === config.flavor);
      const byName = flavors.filter((f) => f.name === config.flavor);
      const flavor = byId ?? (byName.length === 1 ? byName[0] : undefined);
      if (!flavor) {
        if (byName.length > 1) {
          throw new BakeError(`openstack: flavor "${config.flavor}" matches ${byName.length} flavors (${byName.map((f) => f.id).join(', ')}); give its id`);
        }
        const names = flavors.map((f) => f.name).slice(0, 10).join(', ');
        throw new BakeError(`openstack: flavor "${config.flavor}" not found (flavors: ${names}${flavors.length > 10 ? ', …' : ''})`);
      }
      ctx.log.say(`Using flavor ${flavor.name} (${flavor.id})`);
      return { flavorId: flavor.id, flavorDisk: flavor.disk };
    },
  };
}
