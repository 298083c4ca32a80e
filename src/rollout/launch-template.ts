import type * as Ec2 from '@aws-sdk/client-ec2';
import { randomUUID } from 'node:crypto';
import { BakeError } from '../core/errors.js';
import { call, type RolloutClients } from './clients.js';

export interface TemplateVersion {
  number: number;
  imageId: string;
  isDefault: boolean;
  description?: string;
  createdAt?: Date;
}

function toVersion(v: Ec2.LaunchTemplateVersion): TemplateVersion {
  return {
    number: v.VersionNumber ?? 0,
    imageId: v.LaunchTemplateData?.ImageId ?? '',
    isDefault: v.DefaultVersion === true,
    description: v.VersionDescription,
    createdAt: v.CreateTime,
  };
}

/** One version as a group names it ("$Latest", "$Default" or "7"). */
export async function describeVersion(clients: RolloutClients, region: string, templateId: string, version: string): Promise<TemplateVersion> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const out = await call<Ec2.DescribeLaunchTemplateVersionsCommandOutput>(
    await clients.ec2(region),
    new ec2.DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, Versions: [version] }),
    `describe launch template ${templateId} version ${version} in ${region}`,
    clients.signal,
  );
  const v = out.LaunchTemplateVersions?.[0];
  if (!v) throw new BakeError(`launch template ${templateId} in ${region} has no version ${version}`);
  return toVersion(v);
}

/** Every version, newest first. */
export async function listVersions(clients: RolloutClients, region: string, templateId: string): Promise<TemplateVersion[]> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const client = await clients.ec2(region);
  const all: TemplateVersion[] = [];
  let token: string | undefined;
  do {
    const out = await call<Ec2.DescribeLaunchTemplateVersionsCommandOutput>(
      client,
      new ec2.DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, NextToken: token }),
      `list versions of launch template ${templateId} in ${region}`,
      clients.signal,
    );
    all.push(...(out.LaunchTemplateVersions ?? []).map(toVersion));
    token = out.NextToken;
  } while (token);
  return all.sort((a, b) => b.number - a.number);
}

/** A new version copied from `source` with only ImageId changed; returns its number. */
export async function createVersion(clients: RolloutClients, region: string, templateId: string, source: number, imageId: string, description: string): Promise<number> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const out = await call<Ec2.CreateLaunchTemplateVersionCommandOutput>(
    await clients.ec2(region),
    new ec2.CreateLaunchTemplateVersionCommand({
      LaunchTemplateId: templateId,
      SourceVersion: String(source),
      VersionDescription: description,
      LaunchTemplateData: { ImageId: imageId },
      // One token for every retry of this create: a retry after a lost answer gets the same version.
      ClientToken: randomUUID(),
    }),
    `create a version of launch template ${templateId} in ${region}`,
    clients.signal,
  );
  const n = out.LaunchTemplateVersion?.VersionNumber;
  if (n === undefined) throw new BakeError(`create a version of launch template ${templateId} in ${region}: AWS returned no version number`);
  return n;
}

export async function setDefaultVersion(clients: RolloutClients, region: string, templateId: string, version: number, signal = clients.signal): Promise<void> {
  const ec2 = await import('@aws-sdk/client-ec2');
  await call(
    await clients.ec2(region),
    new ec2.ModifyLaunchTemplateCommand({ LaunchTemplateId: templateId, DefaultVersion: String(version) }),
    `set default version ${version} of launch template ${templateId} in ${region}`,
    signal,
  );
}

/**
 * Deletes one version. DeleteLaunchTemplateVersions answers success even when it deleted nothing:
 * a version it could not delete is listed in UnsuccessfullyDeletedLaunchTemplateVersions, and is
 * an error here, so that nobody strikes it from the journal.
 */
export async function deleteVersion(clients: RolloutClients, region: string, templateId: string, version: number, what: string, signal = clients.signal): Promise<void> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const out = await call<Ec2.DeleteLaunchTemplateVersionsCommandOutput>(
    await clients.ec2(region),
    new ec2.DeleteLaunchTemplateVersionsCommand({ LaunchTemplateId: templateId, Versions: [String(version)] }),
    what,
    signal,
  );
  const refused = out.UnsuccessfullyDeletedLaunchTemplateVersions?.find((v) => v.VersionNumber === version);
  if (refused) {
    const e = refused.ResponseError;
    throw new BakeError(`${what}: AWS did not delete it (${[e?.Code, e?.Message].filter(Boolean).join(': ') || 'no reason given'})`);
  }
}
