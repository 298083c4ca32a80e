import type { Image } from '@aws-sdk/client-ec2';
import { BakeError } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import { deregisterImage, sendAll, type Ec2Clients } from '../../cloud/aws/index.js';
import { amiNameProblem } from './regions.js';
import { renderValue } from './render-tags.js';
import type { AmiBuildConfig } from './resolved.js';
import { templateData, type Init, type SourceState } from './state.js';

export interface NameState {
  amiName: string;
  amiDescription?: string;
}

/** Images of this account named `name` in the build region and every ami_regions region. */
export async function imagesNamed(cfg: AmiBuildConfig, clients: Ec2Clients, name: string, signal: AbortSignal): Promise<{ region: string; id: string }[]> {
  const { DescribeImagesCommand } = await import('@aws-sdk/client-ec2');
  const found = await Promise.all(
    [cfg.region, ...cfg.ami.regions].map(async (region) => {
      const images = await sendAll<{ Images?: Image[]; NextToken?: string }, Image>(
        await clients.get(region),
        (NextToken) => new DescribeImagesCommand({ Owners: ['self'], Filters: [{ Name: 'name', Values: [name] }], NextToken }),
        (p) => p.Images,
        { what: `amazon-ebs: look for AMI "${name}" in ${region}`, signal },
      );
      return images.map((i) => ({ region, id: i.ImageId! }));
    }),
  );
  return found.flat();
}

/**
 * The AMI name must be free in the build region and every ami_regions region. A taken name is an
 * error before anything is created, unless force_deregister (or -force) removes the old image.
 */
export function checkAmiNameStep(cfg: AmiBuildConfig): Step<Init & SourceState, NameState> {
  return {
    name: 'check-ami-name',
    async run(ctx, state) {
      const data = templateData(cfg, state);
      const amiName = renderValue(cfg, 'ami_name', cfg.ami.name, data);
      const amiDescription = cfg.ami.description === undefined ? undefined : renderValue(cfg, 'ami_description', cfg.ami.description, data);
      const problem = amiNameProblem(amiName);
      if (problem) throw new BakeError(`${cfg.where}.ami_name: ${problem}`);
      if (cfg.ami.skipCreate) return { amiName, amiDescription };
      const taken = await imagesNamed(cfg, state.clients, amiName, ctx.signal);
      if (taken.length === 0) return { amiName, amiDescription };
      const list = taken.map((t) => `${t.region}:${t.id}`).join(', ');
      if (!cfg.ami.forceDeregister && !ctx.force) {
        throw new BakeError(`${cfg.where}.ami_name: an AMI named "${amiName}" already exists (${list}); set "force_deregister": true or run with -force to replace it`);
      }
      for (const t of taken) {
        ctx.log.say(`Deregistering existing AMI ${t.id} in ${t.region} (force_deregister)`);
        await deregisterImage(await state.clients.get(t.region), t.id, ctx.signal, { deleteSnapshots: cfg.ami.forceDeleteSnapshot });
      }
      return { amiName, amiDescription };
    },
  };
}
