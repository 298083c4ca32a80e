import type { Image } from '@aws-sdk/client-ec2';
import { BakeError } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import { deregisterImage, send } from '../../cloud/aws/index.js';
import { amiNameProblem } from './regions.js';
import { renderValue } from './render-tags.js';
import type { ResolvedEbs } from './resolved.js';
import { templateData, type Init, type SourceState } from './state.js';

export interface NameState {
  amiName: string;
}

/**
 * The AMI name must be free in the build region and every ami_regions region. A taken name is an
 * error before anything is created, unless force_deregister (or -force) removes the old image.
 */
export function checkAmiNameStep(cfg: ResolvedEbs): Step<Init & SourceState, NameState> {
  return {
    name: 'check-ami-name',
    async run(ctx, state) {
      const amiName = renderValue(cfg, 'ami_name', cfg.ami.name, templateData(cfg, state));
      const problem = amiNameProblem(amiName);
      if (problem) throw new BakeError(`${cfg.where}.ami_name: ${problem}`);
      if (cfg.ami.skipCreate) return { amiName };
      const { DescribeImagesCommand } = await import('@aws-sdk/client-ec2');
      const regions = [cfg.region, ...cfg.ami.regions];
      const found = await Promise.all(
        regions.map(async (region) => {
          const out = await send<{ Images?: Image[] }>(
            await state.clients.get(region),
            new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [amiName] }] }),
            { what: `amazon-ebs: look for AMI "${amiName}" in ${region}`, signal: ctx.signal },
          );
          return (out.Images ?? []).map((i) => ({ region, id: i.ImageId! }));
        }),
      );
      const taken = found.flat();
      if (taken.length === 0) return { amiName };
      const list = taken.map((t) => `${t.region}:${t.id}`).join(', ');
      if (!cfg.ami.forceDeregister && !ctx.force) {
        throw new BakeError(`${cfg.where}.ami_name: an AMI named "${amiName}" already exists (${list}); set "force_deregister": true or run with -force to replace it`);
      }
      for (const t of taken) {
        ctx.log.say(`Deregistering existing AMI ${t.id} in ${t.region} (force_deregister)`);
        await deregisterImage(await state.clients.get(t.region), t.id, ctx.signal, cfg.ami.forceDeleteSnapshot);
      }
      return { amiName };
    },
  };
}
