import type * as Ec2 from '@aws-sdk/client-ec2';
import { connectSsh, generateEd25519KeyPair, howItEnded, resolveSshConfig, type Communicator, type SshConfigInput } from '../communicator/index.js';
import { bakeTags, deleteKeyPair, tagSpecifications, terminateInstance, waitInstanceState } from '../cloud/aws/index.js';
import { BakeError, errorText } from '../core/errors.js';
import type { Journal } from '../core/journal.js';
import type { Logger } from '../core/events.js';
import { parseDuration } from '../core/wait.js';
import { call, type RolloutClients } from './clients.js';

export interface SmokeTestConfig extends SshConfigInput {
  commands: string[];
  instance_type?: string;
  subnet_id?: string;
  security_group_ids?: string[];
  associate_public_ip_address?: boolean;
  iam_instance_profile?: string;
  ssh_interface?: 'public_ip' | 'private_ip' | 'public_dns' | 'private_dns';
  timeout?: string;
}

export interface SmokeContext {
  clients: RolloutClients;
  log: Logger;
  journal: Journal;
  buildId: string;
  buildName: string;
  signal: AbortSignal;
  cleanupSignal: (ms?: number) => AbortSignal;
  source: { file: string; path: string; templateDir: string };
}

function address(i: Ec2.Instance, how: SmokeTestConfig['ssh_interface']): string | undefined {
  const by = { public_ip: i.PublicIpAddress, private_ip: i.PrivateIpAddress, public_dns: i.PublicDnsName, private_dns: i.PrivateDnsName };
  return how ? by[how] : i.PublicIpAddress || i.PrivateIpAddress;
}

/**
 * Launches one instance from the AMI with a temporary key, runs the commands over SSH, and always
 * terminates the instance and deletes the key. Throws with the failing command's exit code and its
 * last stderr lines.
 */
export async function smokeTest(ctx: SmokeContext, cfg: SmokeTestConfig, region: string, imageId: string): Promise<void> {
  const ec2 = await import('@aws-sdk/client-ec2');
  const client = await ctx.clients.ec2(region);
  const signal = AbortSignal.any([ctx.signal, AbortSignal.timeout(parseDuration(cfg.timeout ?? '15m') ?? 900_000)]);
  const tags = { ...bakeTags(ctx.buildId, ctx.source.file, ctx.buildName), Name: `bake smoke test ${imageId}` };
  const keyName = `bake_smoke_${ctx.buildId}`;
  let instanceId: string | undefined;
  let keyCreated = false;
  let comm: Communicator | undefined;
  ctx.log.say(`Smoke test: launching ${cfg.instance_type ?? 't3.micro'} from ${imageId} in ${region}`);
  try {
    const key = generateEd25519KeyPair(keyName);
    ctx.journal.created({ type: 'aws:key-pair', id: keyName, region });
    keyCreated = true;
    await call(client, new ec2.ImportKeyPairCommand({ KeyName: keyName, PublicKeyMaterial: Buffer.from(key.publicKey), TagSpecifications: tagSpecifications(['key-pair'], tags) }), `smoke test: import key pair ${keyName}`, signal);
    const network = cfg.associate_public_ip_address === undefined
      ? { SubnetId: cfg.subnet_id, SecurityGroupIds: cfg.security_group_ids }
      : { NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: cfg.subnet_id, Groups: cfg.security_group_ids, AssociatePublicIpAddress: cfg.associate_public_ip_address }] };
    const out = await call<Ec2.RunInstancesCommandOutput>(
      client,
      new ec2.RunInstancesCommand({
        ImageId: imageId,
        InstanceType: (cfg.instance_type ?? 't3.micro') as Ec2._InstanceType,
        MinCount: 1,
        MaxCount: 1,
        KeyName: keyName,
        ...network,
        ...(cfg.iam_instance_profile ? { IamInstanceProfile: { Name: cfg.iam_instance_profile } } : {}),
        InstanceInitiatedShutdownBehavior: 'terminate',
        TagSpecifications: tagSpecifications(['instance', 'volume'], tags),
      }),
      `smoke test: run an instance from ${imageId}`,
      signal,
    );
    instanceId = out.Instances?.[0]?.InstanceId;
    if (!instanceId) throw new BakeError(`smoke test: RunInstances returned no instance for ${imageId}`);
    ctx.journal.created({ type: 'aws:instance', id: instanceId, region });
    const instance = await waitInstanceState(client, instanceId, ['running'], { signal, log: ctx.log, polling: { minDelayMs: 1000, maxDelayMs: 15_000, maxWaitMs: 0 } });
    const host = cfg.ssh_host || address(instance, cfg.ssh_interface);
    if (!host) throw new BakeError(`smoke test: instance ${instanceId} has no ${cfg.ssh_interface ?? 'public or private IP'} address; set ssh_interface or associate_public_ip_address`);
    const options = resolveSshConfig(cfg, { host, privateKey: key.privateKey }, ctx.source);
    comm = await connectSsh(options, { log: ctx.log, signal });
    for (const [i, command] of cfg.commands.entries()) {
      ctx.log.info(`smoke test: ${command}`);
      const r = await comm.exec(command, { stdout: (l) => ctx.log.output(l), stderr: (l) => ctx.log.output(l), signal });
      if (r.exitCode !== 0) {
        const tail = r.stderrTail.length ? `: ${r.stderrTail.join(' | ')}` : '';
        throw new BakeError(`smoke test of ${imageId}: commands[${i}] ${howItEnded(r)}${tail}; no group was changed`);
      }
    }
    ctx.log.say(`Smoke test of ${imageId} passed`);
  } catch (err) {
    if (err instanceof BakeError && err.message.startsWith('smoke test')) throw err;
    throw new BakeError(`smoke test of ${imageId}: ${errorText(err)}; no group was changed`, { cause: err });
  } finally {
    await comm?.close().catch(() => undefined);
    await removeSmokeResources(ctx, client, region, instanceId, keyCreated ? keyName : undefined);
  }
}

/** Cleanup never hides the test's own result: a failure to remove is reported with the way out. */
async function removeSmokeResources(ctx: SmokeContext, client: Ec2.EC2Client, region: string, instanceId: string | undefined, keyName: string | undefined): Promise<void> {
  const undo = ctx.cleanupSignal(600_000);
  if (instanceId) {
    ctx.log.info(`smoke test: terminating ${instanceId}`);
    try {
      await terminateInstance(client, instanceId, { signal: undo, polling: { minDelayMs: 1000, maxDelayMs: 15_000, maxWaitMs: 600_000 } });
      ctx.journal.removed({ type: 'aws:instance', id: instanceId, region });
    } catch (err) {
      ctx.log.error(`smoke test: instance ${instanceId} in ${region} could not be terminated (${errorText(err)}); run \`bake cleanup\``);
    }
  }
  if (keyName) {
    try {
      await deleteKeyPair(client, keyName, undo);
      ctx.journal.removed({ type: 'aws:key-pair', id: keyName, region });
    } catch (err) {
      ctx.log.error(`smoke test: key pair ${keyName} in ${region} could not be deleted (${errorText(err)}); run \`bake cleanup\``);
    }
  }
}
