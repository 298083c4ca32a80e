import type { BuildContext } from '../../core/context.js';
import { errorText } from '../../core/errors.js';
import { deregisterImage, type Ec2Clients } from '../../cloud/aws/index.js';
import { awsRemoveCommand } from '../../cloud/aws/remove-hint.js';

/**
 * AMIs a step made, per region. Until the build succeeds they are half-made: the step's cleanup
 * deregisters them with their snapshots, in every region, in parallel.
 */
export class OwnedImages {
  private readonly images = new Map<string, string>();

  constructor(private readonly details?: Record<string, string>) {}

  add(ctx: BuildContext, region: string, id: string): void {
    ctx.journal.created({ type: 'aws:image', id, region, details: this.details });
    this.images.set(`${region}\u0000${id}`, region);
  }

  async remove(ctx: BuildContext, clients: Ec2Clients, region: string, id: string, signal: AbortSignal): Promise<void> {
    await deregisterImage(await clients.get(region), id, signal);
    ctx.journal.removed({ type: 'aws:image', id, region });
    this.images.delete(`${region}\u0000${id}`);
  }

  /** On success the images are the build's result: forget them. */
  release(): void {
    this.images.clear();
  }

  async cleanup(ctx: BuildContext, clients: Ec2Clients, succeeded: boolean): Promise<void> {
    if (succeeded || this.images.size === 0) return;
    const signal = ctx.cleanupSignal();
    const failures: string[] = [];
    await Promise.all(
      [...this.images.entries()].map(async ([key, region]) => {
        const id = key.split('\u0000')[1];
        ctx.log.say(`Deregistering unfinished AMI ${id} in ${region} and its snapshots`);
        await this.remove(ctx, clients, region, id, signal).catch((err) => failures.push(`${region}:${id} (${errorText(err)})`));
      }),
    );
    if (failures.length) {
      const commands = [...this.images.entries()].map(([key, region]) => awsRemoveCommand('aws:image', key.split('\u0000')[1], region));
      throw new Error(`AMIs left behind: ${failures.join(', ')}; \`bake cleanup\` tries again, or remove them with: ${commands.join('; ')}`);
    }
  }
}
