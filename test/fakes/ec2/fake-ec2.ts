import type { Tag } from '@aws-sdk/client-ec2';
import { ec2Error, type FakeGroup, type FakeImage, type FakeInstance, type FakeKeyPair, type FakeSnapshot, type Faults } from './model.js';

const BAKE_TAG = 'bake:build-id';

/** The state of a pretend EC2 across regions; commands change it, describes advance it. */
export class FakeEc2 {
  instances = new Map<string, FakeInstance>();
  images = new Map<string, FakeImage>();
  snapshots = new Map<string, FakeSnapshot>();
  groups = new Map<string, FakeGroup>();
  keyPairs = new Map<string, FakeKeyPair>();
  /** Network the account has; set by tests that use subnet_filter / vpc_filter. */
  subnets: { id: string; region: string; vpcId: string; az: string; free: number; tags: Tag[] }[] = [];
  vpcs: { id: string; region: string; tags: Tag[] }[] = [];
  calls: { command: string; region: string; input: Record<string, unknown> }[] = [];
  faults: Faults = {};
  /** Describes needed per state change: 0 = instant. */
  pollsPerTransition = 1;
  onKeyImported?: (publicKey: string) => void;
  private seq = 0;

  nextId(prefix: string): string {
    this.seq++;
    return `${prefix}-${this.seq.toString(16).padStart(17, '0')}`;
  }

  record(command: string, region: string, input: Record<string, unknown>): void {
    this.calls.push({ command, region, input });
    this.faults.before?.(command, region);
    const rate = this.faults.throttleRate ?? 0;
    if (rate > 0 && Math.floor(this.calls.length * rate) !== Math.floor((this.calls.length - 1) * rate)) {
      throw ec2Error('RequestLimitExceeded', 'Request limit exceeded.');
    }
  }

  callsOf(command: string) {
    return this.calls.filter((c) => c.command === command);
  }

  advance<T extends { polls: number }>(r: T, next: () => void): void {
    r.polls++;
    if (r.polls > this.pollsPerTransition - 1) {
      r.polls = 0;
      next();
    }
  }

  region<T extends { region: string }>(map: Map<string, T>, id: string, region: string, code: string): T {
    const r = map.get(id);
    if (!r || r.region !== region) throw ec2Error(code, `The ID '${id}' does not exist`);
    return r;
  }

  tagsOf(id: string): Tag[] | undefined {
    return (this.instances.get(id) ?? this.images.get(id) ?? this.snapshots.get(id) ?? this.groups.get(id))?.tags;
  }

  /** Every live resource still carrying bake's build-id tag: what a clean run must leave at zero. */
  bakeTagged(): string[] {
    const tagged = (tags: Tag[]) => tags.some((t) => t.Key === BAKE_TAG);
    return [
      ...[...this.instances.values()].filter((i) => i.state !== 'terminated' && tagged(i.tags)).map((i) => `instance ${i.id}`),
      ...[...this.images.values()].filter((i) => tagged(i.tags)).map((i) => `image ${i.id}`),
      ...[...this.snapshots.values()].filter((s) => tagged(s.tags)).map((s) => `snapshot ${s.id}`),
      ...[...this.groups.values()].filter((g) => tagged(g.tags)).map((g) => `security-group ${g.id}`),
      ...[...this.keyPairs.values()].filter((k) => tagged(k.tags)).map((k) => `key-pair ${k.name}`),
    ];
  }

  /** An image that exists before the build, e.g. the source AMI. */
  addImage(region: string, name: string, extra: Partial<FakeImage> = {}): FakeImage {
    const snap = this.nextId('snap');
    this.snapshots.set(snap, { id: snap, region, tags: [], startTime: new Date(), createVolumeUsers: [] });
    const image: FakeImage = {
      id: this.nextId('ami'),
      region,
      name,
      state: 'available',
      polls: 0,
      ownerId: '099720109477',
      snapshots: [snap],
      tags: [],
      creationDate: new Date().toISOString(),
      encrypted: false,
      launchPermissions: [],
      hiddenPolls: 0,
      ...extra,
    };
    this.images.set(image.id, image);
    return image;
  }
}
