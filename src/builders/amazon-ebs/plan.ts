import type { BuildContext } from '../../core/context.js';
import { Ec2Clients } from '../../cloud/aws/index.js';
import { amiNameProblem } from './regions.js';
import { renderTags, renderValue } from './render-tags.js';
import type { ResolvedEbs } from './resolved.js';
import { templateData } from './state.js';
import { checkUnchanged } from './skip-unchanged.js';
import { imagesNamed } from './step-check-ami-name.js';
import { sourceAmiStep } from './step-source-ami.js';

const list = (items: string[]) => items.join(', ');
const pairs = (tags: Record<string, string>) => list(Object.entries(tags).map(([k, v]) => `${k}=${v}`)) || '(none)';

/** What a build would do, with read-only EC2 calls only: source AMI, name collisions in every region, tags, sharing. */
export async function planAmazonEbs(cfg: ResolvedEbs, ctx: BuildContext): Promise<string[]> {
  const clients = new Ec2Clients(cfg.access);
  try {
    const init = { clients, outcome: { succeeded: false } };
    const { source } = await sourceAmiStep(cfg).run(ctx, init);
    const state = { ...init, source };
    const lines = [`source AMI: ${source.id} "${source.name}" in ${cfg.region}`];
    if (ctx.skipUnchanged) {
      const check = await checkUnchanged(cfg, ctx, clients, source, ctx.skipUnchanged);
      const reuse = check.existing && list(Object.entries(check.existing.images).map(([r, id]) => `${r}:${id}`));
      lines.push(`--skip-unchanged: fingerprint ${check.fingerprint}: ${reuse ? `would reuse ${reuse}; nothing would be built` : `${check.why}: would build`}`);
    }
    const amiName = renderValue(cfg, 'ami_name', cfg.ami.name, templateData(cfg, state));
    const market = cfg.spot ? `spot at ${cfg.spot.maxPrice ?? 'up to the on-demand price'}` : 'on-demand';
    lines.push(`instance: ${list(cfg.instanceTypes)} (${market}), IMDSv2 ${cfg.metadata.httpTokens}`);
    const problem = amiNameProblem(amiName);
    if (problem) lines.push(`AMI name "${amiName}": build would fail: ${problem}`);
    if (cfg.ami.skipCreate) return [...lines, 'no AMI (skip_create_ami)'];
    const taken = problem ? [] : await imagesNamed(cfg, clients, amiName, ctx.signal);
    const forced = cfg.ami.forceDeregister || ctx.force;
    for (const region of [cfg.region, ...cfg.ami.regions]) {
      const clash = taken.filter((t) => t.region === region).map((t) => t.id);
      const kms = region === cfg.region ? cfg.ami.kmsKeyId : cfg.ami.regionKmsKeyIds[region];
      const encryption = cfg.ami.encryptBoot || kms ? `, encrypted${kms ? ` with ${kms}` : ''}` : '';
      const status = clash.length === 0 ? 'name free' : `name taken by ${list(clash)}: ${forced ? 'would be deregistered (force_deregister)' : 'build would fail'}`;
      lines.push(`AMI "${amiName}" in ${region}${encryption}: ${status}`);
      lines.push(`  tags: ${pairs(renderTags(cfg, 'tags', cfg.ami.tags, templateData(cfg, state)))}`);
      if (Object.keys(cfg.ami.snapshotTags).length) lines.push(`  snapshot tags: ${pairs(renderTags(cfg, 'snapshot_tags', cfg.ami.snapshotTags, templateData(cfg, state)))}`);
    }
    const a = cfg.ami;
    const launch = [...a.users.map((u) => `account ${u}`), ...a.groups.map((g) => `group ${g}`), ...a.orgArns, ...a.ouArns];
    lines.push(`launch permissions: ${list(launch) || 'this account only'}`);
    if (a.snapshotUsers.length || a.snapshotGroups.length) lines.push(`snapshot volume permissions: ${list([...a.snapshotUsers, ...a.snapshotGroups])}`);
    return lines;
  } finally {
    await clients.destroy();
  }
}

