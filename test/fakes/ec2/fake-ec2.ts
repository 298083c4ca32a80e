import type { Tag } from '@aws-sdk/client-ec2';
import { FaultInjector } from '../faults.js';
import { injected } from './injected.js';
import { ec2Error, type FakeGroup, type FakeImage, type FakeInstance, type FakeKeyPair, type FakeSnapshot, type FakeVolume, type Faults } from './model.js';

const BAKE_TAG = 'bake:build-id';

/** The state of a pretend EC2 across regions; commands change it, describes advance it. */
export class FakeEc2 {
  instances = new Map<string, FakeInstance>();
  images = new Map<string, FakeImage>();
  snapshots = new Map<string, FakeSnapshot>();
  volumes = new Map<string, FakeVolume>();
  groups = new Map<string, FakeGroup>();
  keyPairs = new Map<string, FakeKeyPair>();
  /** Network the account has; set by tests that use subnet_filter / vpc_filter. */
  subnets: { id: string; region: string; vpcId: string; az: string; free: number; tags: Tag[] }[] = [];
  vpcs: { id: string; region: string; tags: Tag[] }[] = [];
  calls: { command: string; region: string; input: Record<string, unknown> }[] = [];
  faults: Faults = {};
  /** One planned fault (call number × kind), shared with the other fakes' injectors. */
  injector = new FaultInjector();
  /** Items per page of a list-style describe (no ids given), as EC2 pages with NextToken. Small, so callers must follow it. */
  pageSize = 2;
  /** Describes needed per state change: 0 = instant. */
  pollsPerTransition = 1;
  onKeyImported?: (publicKey: string) => void;
  /** Host public keys the instances' cloud-init prints on the console (the test sshd's, so builds verify it). */
  hostKeys?: string[];
  /** Replaces the console: called with the instance and how many times its console was read; undefined is "no output yet". */
  consoleOutput?: (instanceId: string, reads: number) => string | undefined;
  /** Answer GetConsoleOutput with Latest as a pre-Nitro instance type does (UnsupportedOperation). */
  refuseLatest = false;
  readonly consoleReads = new Map<string, number>();
  /** Answers of calls made with a ClientToken: the same token gets the same answer, as on EC2. */
  readonly tokens = new Map<string, unknown>();
  private seq = 0;

  nextId(prefix: string): string {
    this.seq++;
    return `${prefix}-${this.seq.toString(16).padStart(17, '0')}`;
  }

  /**
   * Runs one call through the fault injector and the handler: a fault before the call throws
   * without effect, a lost answer throws after the effect.
   */
  handle(command: string, region: string, input: Record<string, any>, handler: () => unknown): unknown {
    const kind = this.injector.next(command, namesId(command, input), region);
    this.record(command, region, input);
    if (kind && kind !== 'lost') throw injected(kind, command);
    const token = typeof input.ClientToken === 'string' ? `${region}/${command}/${input.ClientToken}` : undefined;
    const out = token && this.tokens.has(token) ? this.tokens.get(token) : handler();
    if (token) this.tokens.set(token, out);
    if (kind === 'lost') throw injected(kind, command);
    return out;
  }

  record(command: string, region: string, input: Record<string, unknown>): void {
    this.calls.push({ command, region, input });
    this.faults.before?.(command, region);
    const rate = this.faults.throttleRate ?? 0;
    if (rate > 0 && Math.floor(this.calls.length * rate) !== Math.floor((this.calls.length - 1) * rate)) {
      throw ec2Error('RequestLimitExceeded', 'Request limit exceeded.');
    }
  }

  /** One page of `list` for a describe: by NextToken offset; every item when the call names ids. */
  page<T>(input: { NextToken?: string; [k: string]: unknown }, list: T[], byIds: boolean): { items: T[]; NextToken?: string } {
    if (byIds) return { items: list };
    const from = Number(input.NextToken ?? 0);
    const to = from + this.pageSize;
    return { items: list.slice(from, to), ...(to < list.length ? { NextToken: String(to) } : {}) };
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
    return (this.instances.get(id) ?? this.images.get(id) ?? this.snapshots.get(id) ?? this.groups.get(id) ?? this.volumes.get(id))?.tags;
  }

  /** Every live resource still carrying bake's build-id tag: what a clean run must leave at zero. */
  bakeTagged(): string[] {
    const tagged = (tags: Tag[]) => tags.some((t) => t.Key === BAKE_TAG);
    return [
      ...[...this.instances.values()].filter((i) => i.state !== 'terminated' && tagged(i.tags)).map((i) => `instance ${i.id}`),
      ...[...this.volumes.values()].filter((v) => tagged(v.tags)).map((v) => `volume ${v.id}`),
      ...[...this.images.values()].filter((i) => tagged(i.tags)).map((i) => `image ${i.id}`),
      ...[...this.snapshots.values()].filter((s) => tagged(s.tags)).map((s) => `snapshot ${s.id}`),
      ...[...this.groups.values()].filter((g) => tagged(g.tags)).map((g) => `security-group ${g.id}`),
      ...[...this.keyPairs.values()].filter((k) => tagged(k.tags)).map((k) => `key-pair ${k.name}`),
    ];
  }

  /** An instance that exists before the build, e.g. the amazon-chroot build host, with its own root volume. */
  addInstance(region: string, extra: Partial<FakeInstance> = {}): FakeInstance {
    const instance: FakeInstance = {
      id: this.nextId('i'),
      region,
      state: 'running',
      polls: 0,
      imageId: '',
      instanceType: 'm5.large',
      groups: [],
      tags: [],
      launchTime: new Date(),
      volumes: [this.nextId('vol')],
      hiddenPolls: 0,
      ...extra,
    };
    this.instances.set(instance.id, instance);
    return instance;
  }

  /** An image that exists before the build, e.g. the source AMI. */
  addImage(region: string, name: string, extra: Partial<FakeImage> = {}): FakeImage {
    const snap = this.nextId('snap');
    this.snapshots.set(snap, { id: snap, region, tags: [], startTime: new Date(), createVolumeUsers: [], description: '' });
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

/** Whether a call names an existing resource, so that eventual consistency can hide it. */
function namesId(command: string, input: Record<string, any>): boolean {
  if (/^(Describe|List)/.test(command)) return Object.keys(input).some((k) => k.endsWith('Ids') && input[k]?.length) || !!input.KeyNames?.length;
  return !/^(Create(SecurityGroup|LaunchTemplate)$|ImportKeyPair|RunInstances)/.test(command);
}
