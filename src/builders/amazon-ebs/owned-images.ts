import type { Image } from '@aws-sdk/client-ec2';
import type { BuildContext } from '../../core/context.js';
import { errorText, isAbort } from '../../core/errors.js';
import { deregisterImage, findOwnImage, type Ec2Clients } from '../../cloud/aws/index.js';
import { awsRemoveCommand } from '../../cloud/aws/remove-hint.js';
import { snapshotIds } from './state.js';

interface Owned {
  region: string;
  id: string;
  /** Snapshot ids seen in the AMI's block device mappings while waiting for it. */
  snapshots: Set<string>;
}

/** An AMI create whose answer never came, to look for by name and this build's tag at cleanup. */
interface Attempt {
  region: string;
  name: string;
}

/**
 * AMIs a step made, per region. Until the build succeeds they are half-made: the step's cleanup
 * deregisters them with their snapshots, in every region, in parallel, whatever failed (the wait,
 * a copy, tagging, sharing, a later step, Ctrl-C). Removal does not depend on DescribeImages
 * working: the snapshots seen while waiting and those EC2 describes as made for the AMI are deleted.
 */
export class OwnedImages {
  private readonly images = new Map<string, Owned>();
  private readonly attempts = new Map<string, Attempt>();

  constructor(private readonly details?: Record<string, string>) {}

  /** Before a create without a known id: if its answer is lost, cleanup finds the AMI by name and tag. */
  attempt(region: string, name: string): void {
    this.attempts.set(region, { region, name });
  }

  add(ctx: BuildContext, region: string, id: string): void {
    ctx.journal.created({ type: 'aws:image', id, region, details: this.details });
    this.images.set(`${region}\u0000${id}`, { region, id, snapshots: new Set() });
    this.attempts.delete(region);
  }

  /** For waitImageAvailable's onView: remembers the snapshots of an AMI as EC2 shows them. */
  seen(region: string): (image: Image) => void {
    return (image) => {
      const owned = this.images.get(`${region}\u0000${image.ImageId}`);
      for (const s of snapshotIds(image)) owned?.snapshots.add(s);
    };
  }

  async remove(ctx: BuildContext, clients: Ec2Clients, region: string, id: string, signal: AbortSignal): Promise<void> {
    const owned = this.images.get(`${region}\u0000${id}`);
    await deregisterImage(await clients.get(region), id, signal, { knownSnapshots: [...(owned?.snapshots ?? [])], describeAttempts: 3 });
    ctx.journal.removed({ type: 'aws:image', id, region });
    this.images.delete(`${region}\u0000${id}`);
  }

  /** On success the images are the build's result: forget them. */
  release(): void {
    this.images.clear();
    this.attempts.clear();
  }

  async cleanup(ctx: BuildContext, clients: Ec2Clients, succeeded: boolean): Promise<void> {
    if (succeeded) return this.release();
    const signal = ctx.cleanupSignal();
    const failures: string[] = [];
    await Promise.all(
      [...this.attempts.values()].map(async ({ region, name }) => {
        try {
          const found = await findOwnImage(await clients.get(region), name, ctx.buildId, signal);
          if (found) this.add(ctx, region, found);
        } catch (err) {
          if (isAbort(err)) throw err;
          failures.push(`the AMI named ${name} in ${region}, if its create took effect (${errorText(err)})`);
        }
      }),
    );
    this.attempts.clear();
    await Promise.all(
      [...this.images.values()].map(async ({ region, id }) => {
        ctx.log.say(`Deregistering unfinished AMI ${id} in ${region} and its snapshots`);
        await this.remove(ctx, clients, region, id, signal).catch((err) => failures.push(`${region}:${id} (${errorText(err)})`));
      }),
    );
    if (failures.length) {
      const commands = [...this.images.values()].flatMap(({ region, id, snapshots }) => [
        awsRemoveCommand('aws:image', id, region),
        ...[...snapshots].map((s) => awsRemoveCommand('aws:snapshot', s, region)),
      ]);
      throw new Error(`AMIs left behind: ${failures.join(', ')}; \`bake cleanup\` tries again${commands.length ? `, or remove them with: ${commands.join('; ')}` : ''}`);
    }
  }
}
