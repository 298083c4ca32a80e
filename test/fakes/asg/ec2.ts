import * as Ec2 from '@aws-sdk/client-ec2';
import type { AwsStub } from 'aws-sdk-client-mock';
import { FakeAwsError, type FakeAws, type FakeImage, type FakeTemplate, type RegionState } from './state.js';

type Stub = AwsStub<any, any, any>;
type Handler = (world: FakeAws, r: RegionState, region: string, input: any) => object;

function template(r: RegionState, input: { LaunchTemplateId?: string; LaunchTemplateName?: string }): FakeTemplate {
  const t = input.LaunchTemplateId ? r.templates.get(input.LaunchTemplateId) : [...r.templates.values()].find((x) => x.name === input.LaunchTemplateName);
  if (!t) throw new FakeAwsError('InvalidLaunchTemplateId.NotFound', `The specified launch template, with template ID ${input.LaunchTemplateId}, does not exist.`);
  return t;
}

function matches(image: FakeImage, filters: { Name: string; Values: string[] }[] = []): boolean {
  return filters.every((f) => {
    const like = (v: string) => f.Values.some((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(v));
    if (f.Name === 'name') return like(image.name);
    if (f.Name === 'tag-key') return f.Values.some((k) => k in image.tags);
    if (f.Name.startsWith('tag:')) return like(image.tags[f.Name.slice(4)] ?? '\u0000');
    if (f.Name === 'state') return like(image.state);
    throw new Error(`fake EC2: unsupported image filter ${f.Name}`);
  });
}

const imageHandlers: [new (input: any) => object, Handler][] = [
  [
    Ec2.DescribeImagesCommand,
    (_w, r, _region, input) => {
      if (input.ImageIds) {
        const missing = input.ImageIds.filter((id: string) => !r.images.has(id));
        if (missing.length) throw new FakeAwsError('InvalidAMIID.NotFound', `The image id '[${missing.join(', ')}]' does not exist`);
      }
      const all = [...r.images.values()].filter((i) => (!input.ImageIds || input.ImageIds.includes(i.id)) && matches(i, input.Filters));
      const { items: list, NextToken } = input.ImageIds ? { items: all, NextToken: undefined } : _w.page(input, all);
      return {
        ...(NextToken ? { NextToken } : {}),
        Images: list.map((i) => ({
          ImageId: i.id,
          Name: i.name,
          State: i.state,
          CreationDate: i.created,
          Tags: Object.entries(i.tags).map(([Key, Value]) => ({ Key, Value })),
          BlockDeviceMappings: i.snapshots.map((SnapshotId, n) => ({ DeviceName: `/dev/xvd${'abcdef'[n]}`, Ebs: { SnapshotId } })),
        })),
      };
    },
  ],
  [
    Ec2.DeregisterImageCommand,
    (_w, r, _region, input) => {
      if (!r.images.delete(input.ImageId)) throw new FakeAwsError('InvalidAMIID.NotFound', `The image id '[${input.ImageId}]' does not exist`);
      return {};
    },
  ],
  [
    Ec2.DeleteSnapshotCommand,
    (_w, r, _region, input) => {
      const user = [...r.images.values()].find((i) => i.snapshots.includes(input.SnapshotId));
      if (user) throw new FakeAwsError('InvalidSnapshot.InUse', `The snapshot ${input.SnapshotId} is currently in use by ${user.id}`);
      if (!r.snapshots.delete(input.SnapshotId)) throw new FakeAwsError('InvalidSnapshot.NotFound', `The snapshot '${input.SnapshotId}' does not exist.`);
      return {};
    },
  ],
  [
    Ec2.DescribeInstancesCommand,
    (_w, r, _region, input) => {
      let list = [...r.instances.values()];
      for (const f of input.Filters ?? []) {
        if (f.Name === 'instance-state-name') list = list.filter((i) => f.Values.includes(i.state));
        else if (f.Name === 'image-id') list = list.filter((i) => f.Values.includes(i.imageId));
        else throw new Error(`fake EC2: unsupported instance filter ${f.Name}`);
      }
      const { items, NextToken } = _w.page(input, list);
      return { Reservations: items.length ? [{ Instances: items.map((i) => ({ InstanceId: i.id, ImageId: i.imageId, State: { Name: i.state } })) }] : [], ...(NextToken ? { NextToken } : {}) };
    },
  ],
];

const templateHandlers: [new (input: any) => object, Handler][] = [
  [
    Ec2.DescribeLaunchTemplatesCommand,
    (w, r, _region, input) => w.pageOf(input, 'LaunchTemplates', [...r.templates.values()].map((t) => ({ LaunchTemplateId: t.id, LaunchTemplateName: t.name, DefaultVersionNumber: t.defaultVersion, LatestVersionNumber: Math.max(...t.versions.map((v) => v.number)) }))),
  ],
  [
    Ec2.DescribeLaunchTemplateVersionsCommand,
    (w, r, region, input) => {
      const t = template(r, input);
      const all = input.Versions ? input.Versions.map((v: string) => w.version(region, t.id, v)) : [...t.versions].reverse();
      const { items: versions, NextToken } = input.Versions ? { items: all, NextToken: undefined } : w.page(input, all);
      return {
        ...(NextToken ? { NextToken } : {}),
        LaunchTemplateVersions: versions.map((v: FakeTemplate['versions'][number]) => ({
          LaunchTemplateId: t.id,
          LaunchTemplateName: t.name,
          VersionNumber: v.number,
          VersionDescription: v.description,
          DefaultVersion: v.number === t.defaultVersion,
          CreateTime: v.created,
          LaunchTemplateData: { ImageId: v.imageId, InstanceType: v.instanceType },
        })),
      };
    },
  ],
  [
    Ec2.CreateLaunchTemplateVersionCommand,
    (w, r, region, input) => {
      const t = template(r, input);
      const source = w.version(region, t.id, input.SourceVersion ?? '$Latest');
      const imageId = input.LaunchTemplateData?.ImageId ?? source.imageId;
      if (!w.imageExists(region, imageId)) throw new FakeAwsError('InvalidAMIID.NotFound', `The image id '[${imageId}]' does not exist`);
      const v = { number: Math.max(...t.versions.map((x) => x.number)) + 1, imageId, instanceType: input.LaunchTemplateData?.InstanceType ?? source.instanceType, description: input.VersionDescription, created: new Date() };
      t.versions.push(v);
      return { LaunchTemplateVersion: { LaunchTemplateId: t.id, VersionNumber: v.number, LaunchTemplateData: { ImageId: v.imageId } } };
    },
  ],
  [
    Ec2.ModifyLaunchTemplateCommand,
    (w, r, region, input) => {
      const t = template(r, input);
      t.defaultVersion = w.version(region, t.id, input.DefaultVersion).number;
      return { LaunchTemplate: { LaunchTemplateId: t.id, DefaultVersionNumber: t.defaultVersion } };
    },
  ],
  [
    Ec2.DeleteLaunchTemplateVersionsCommand,
    (_w, r, _region, input) => {
      const t = template(r, input);
      const out = { SuccessfullyDeletedLaunchTemplateVersions: [] as object[], UnsuccessfullyDeletedLaunchTemplateVersions: [] as object[] };
      for (const n of input.Versions.map(Number)) {
        if (n === t.defaultVersion) {
          out.UnsuccessfullyDeletedLaunchTemplateVersions.push({ VersionNumber: n, ResponseError: { Code: 'launchTemplateVersionIsDefault' } });
          continue;
        }
        t.versions = t.versions.filter((v) => v.number !== n);
        out.SuccessfullyDeletedLaunchTemplateVersions.push({ VersionNumber: n });
      }
      return out;
    },
  ],
];

function install(stub: Stub, world: FakeAws, handlers: [new (input: any) => object, Handler][]): void {
  for (const [command, handler] of handlers) {
    stub.on(command as never).callsFake(async (input: unknown, getClient: () => any) => {
      const region = await getClient().config.region();
      return world.handle(region, command.name.replace(/Command$/, ''), 'ec2', input as object, () => handler(world, world.region(region), region, input));
    });
  }
}

/** Images, snapshots, instances and launch templates; any other EC2 command throws. */
export function installEc2(stub: Stub, world: FakeAws): void {
  stub.onAnyCommand().callsFake((input: unknown) => {
    throw new Error(`fake EC2: unhandled command ${JSON.stringify(input)}`);
  });
  install(stub, world, [...imageHandlers, ...templateHandlers]);
}

/** Only the launch template commands, added to another EC2 fake that owns images and instances. */
export function installLaunchTemplates(stub: Stub, world: FakeAws): void {
  install(stub, world, templateHandlers);
}
