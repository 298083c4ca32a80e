import { FaultInjector } from '../faults.js';
import { injected } from '../ec2/injected.js';

/** The whole fake AWS account, per region: what the EC2 and Auto Scaling fakes read and change. */

export interface FakeImage {
  id: string;
  name: string;
  state: string;
  created: string;
  tags: Record<string, string>;
  snapshots: string[];
}

export interface FakeTemplateVersion {
  number: number;
  imageId: string;
  instanceType: string;
  description?: string;
  created: Date;
}

export interface FakeTemplate {
  id: string;
  name: string;
  versions: FakeTemplateVersion[];
  defaultVersion: number;
}

export interface FakeConfiguration {
  name: string;
  imageId: string;
  instanceType: string;
  securityGroups: string[];
  created: Date;
}

export interface TemplateRef {
  templateId: string;
  version: string;
}

export interface FakeGroup {
  name: string;
  tags: Record<string, string>;
  template?: TemplateRef;
  mixed?: TemplateRef & { overrides: string[] };
  configuration?: string;
  instances: string[];
}

export interface FakeInstance {
  id: string;
  imageId: string;
  state: string;
}

export interface FakeRefresh {
  id: string;
  group: string;
  status: string;
  percent: number;
  reason?: string;
  autoRollback: boolean;
  desired?: { template?: TemplateRef; mixed?: TemplateRef };
  /** The group's launch settings when the refresh started, for a rollback. */
  before: Pick<FakeGroup, 'template' | 'mixed' | 'configuration'>;
  started: Date;
}

/** How the next refresh of a group behaves: fail at a percentage with a reason, or never finish. */
export interface RefreshScript {
  failAt?: number;
  reason?: string;
  stall?: boolean;
  /** Percent added per DescribeInstanceRefreshes poll (default 50). */
  step?: number;
  /** Once started, the refresh shows this status and never leaves it ("Cancelling", "RollbackInProgress"). */
  hold?: string;
  /** AWS's rollback of the refresh fails (RollbackFailed) instead of succeeding. */
  rollbackFails?: boolean;
  /** Someone cancels the refresh when it reaches this percentage. */
  cancelAt?: number;
}

export interface RegionState {
  images: Map<string, FakeImage>;
  snapshots: Set<string>;
  instances: Map<string, FakeInstance>;
  templates: Map<string, FakeTemplate>;
  configurations: Map<string, FakeConfiguration>;
  groups: Map<string, FakeGroup>;
  refreshes: FakeRefresh[];
  scripts: Map<string, RefreshScript>;
}

export class FakeAws {
  readonly regions = new Map<string, RegionState>();
  /** Every command received: "us-east-1 StartInstanceRefresh". */
  readonly calls: string[] = [];
  private seq = 0;
  /** Whether an AMI exists; another EC2 fake that owns the images can answer instead. */
  imageExists = (region: string, id: string): boolean => this.region(region).images.has(id);

  region(name: string): RegionState {
    let r = this.regions.get(name);
    if (!r) {
      r = { images: new Map(), snapshots: new Set(), instances: new Map(), templates: new Map(), configurations: new Map(), groups: new Map(), refreshes: [], scripts: new Map() };
      this.regions.set(name, r);
    }
    return r;
  }

  nextId(prefix: string): string {
    this.seq++;
    return `${prefix}-${this.seq.toString(16).padStart(8, '0')}`;
  }

  addImage(region: string, id: string, opts: { name?: string; created?: string; tags?: Record<string, string>; state?: string } = {}): FakeImage {
    const snap = `snap-${id.slice(4)}`;
    const image = { id, name: opts.name ?? id, state: opts.state ?? 'available', created: opts.created ?? '2026-01-01T00:00:00.000Z', tags: opts.tags ?? {}, snapshots: [snap] };
    this.region(region).images.set(id, image);
    this.region(region).snapshots.add(snap);
    return image;
  }

  addTemplate(region: string, name: string, imageIds: string[], defaultVersion = imageIds.length): FakeTemplate {
    const t: FakeTemplate = {
      id: this.nextId('lt'),
      name,
      versions: imageIds.map((imageId, i) => ({ number: i + 1, imageId, instanceType: 't3.micro', created: new Date(2026, 0, i + 1) })),
      defaultVersion,
    };
    this.region(region).templates.set(t.id, t);
    return t;
  }

  addConfiguration(region: string, name: string, imageId: string, created = new Date(2026, 0, 1)): FakeConfiguration {
    const c = { name, imageId, instanceType: 't3.micro', securityGroups: ['sg-1'], created };
    this.region(region).configurations.set(name, c);
    return c;
  }

  addGroup(region: string, group: Omit<FakeGroup, 'instances' | 'tags'> & { tags?: Record<string, string>; size?: number }): FakeGroup {
    const r = this.region(region);
    const g: FakeGroup = { name: group.name, tags: group.tags ?? {}, template: group.template, mixed: group.mixed, configuration: group.configuration, instances: [] };
    r.groups.set(g.name, g);
    for (let i = 0; i < (group.size ?? 2); i++) {
      const id = this.nextId('i');
      r.instances.set(id, { id, imageId: this.imageOf(region, g), state: 'running' });
      g.instances.push(id);
    }
    return g;
  }

  /** The AMI new instances of a group get now. */
  imageOf(region: string, g: Pick<FakeGroup, 'template' | 'mixed' | 'configuration'>): string {
    const r = this.region(region);
    if (g.configuration) return r.configurations.get(g.configuration)!.imageId;
    const ref = (g.template ?? g.mixed)!;
    return this.version(region, ref.templateId, ref.version).imageId;
  }

  version(region: string, templateId: string, version: string): FakeTemplateVersion {
    const t = this.region(region).templates.get(templateId)!;
    const n = version === '$Latest' ? Math.max(...t.versions.map((v) => v.number)) : version === '$Default' ? t.defaultVersion : Number(version);
    const v = t.versions.find((x) => x.number === n);
    if (!v) throw new Error(`fake: no version ${version} of ${templateId}`);
    return v;
  }

  private readonly faults = new Map<string, Error>();

  /** The next call of `command` ("StartInstanceRefresh") fails with `error`. */
  failNext(command: string, error: Error): void {
    this.faults.set(command, error);
  }

  /** Items per page of a list call (NextToken), small so callers must follow it. */
  pageSize = 2;

  /** `{ [key]: one page of list, NextToken }`. */
  pageOf<T>(input: { NextToken?: string }, key: string, list: T[]): object {
    const { items, NextToken } = this.page(input, list);
    return { [key]: items, ...(NextToken ? { NextToken } : {}) };
  }

  /** One page of `list`: by NextToken offset. */
  page<T>(input: { NextToken?: string }, list: T[], size = this.pageSize): { items: T[]; NextToken?: string } {
    const from = Number(input?.NextToken ?? 0);
    const to = from + size;
    return { items: list.slice(from, to), ...(to < list.length ? { NextToken: String(to) } : {}) };
  }

  /** One planned fault (call number × kind), as the other fakes take it. */
  injector = new FaultInjector();
  /** Answers of calls made with a ClientToken: the same token gets the same answer, as on EC2. */
  private readonly tokens = new Map<string, object>();

  /**
   * Runs one call through the fault injector and the handler: a fault before the call throws
   * without effect, a lost answer throws after the effect. Not-found does not apply: a rollout
   * names groups and templates that exist long before it.
   */
  handle(region: string, command: string, service: 'ec2' | 'autoscaling', input: { ClientToken?: string }, handler: () => object): object {
    const kind = this.injector.next(command, false);
    this.record(region, command);
    if (kind && kind !== 'lost') throw injected(kind, command, service);
    const token = input?.ClientToken ? `${region}/${command}/${input.ClientToken}` : undefined;
    const out = token && this.tokens.has(token) ? this.tokens.get(token)! : handler();
    if (token) this.tokens.set(token, out);
    if (kind === 'lost') throw injected(kind, command, service);
    return out;
  }

  /** Records a call and throws the fault planted for it, if any. */
  record(region: string, command: string): void {
    this.calls.push(`${region} ${command}`);
    const fault = this.faults.get(command);
    if (fault) {
      this.faults.delete(command);
      throw fault;
    }
  }

  /** A JSON snapshot of a region, to prove a dry run or a refused rollout changed nothing. */
  snapshot(region: string): string {
    const r = this.region(region);
    return JSON.stringify({
      images: [...r.images.values()],
      snapshots: [...r.snapshots],
      instances: [...r.instances.values()],
      templates: [...r.templates.values()],
      configurations: [...r.configurations.values()],
      groups: [...r.groups.values()],
      refreshes: r.refreshes,
    });
  }
}

/** An error shaped like the SDK's service exceptions (name = AWS error code). */
export class FakeAwsError extends Error {
  readonly $fault = 'client';
  readonly $metadata = { httpStatusCode: 400 };
  constructor(
    readonly Code: string,
    message: string,
  ) {
    super(message);
    this.name = Code;
  }
}
