import type { Instance } from '@aws-sdk/client-ec2';
import { CONSOLE_HOST_KEYS, connectSsh, resolveSshConfig, sshCommandLine, writeKeptKey, type Communicator, type SshOptions } from '../../communicator/index.js';
import { BakeError } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import { ec2Console } from './console-source.js';
import type { ResolvedEbs } from './resolved.js';
import type { Init, KeyState, RunningState } from './state.js';

/** The address SSH uses: ssh_host, else ssh_interface, else the public address when there is one. */
export function sshAddress(cfg: ResolvedEbs, i: Instance): string {
  if (cfg.sshHost) return cfg.sshHost;
  const by: Record<NonNullable<ResolvedEbs['sshInterface']>, string | undefined> = {
    public_ip: i.PublicIpAddress,
    private_ip: i.PrivateIpAddress,
    public_dns: i.PublicDnsName,
    private_dns: i.PrivateDnsName,
    session_manager: undefined,
  };
  const host = cfg.sshInterface ? by[cfg.sshInterface] : i.PublicIpAddress || i.PrivateIpAddress;
  if (!host) {
    throw new BakeError(`amazon-ebs: instance ${i.InstanceId} has no ${cfg.sshInterface ?? 'public or private IP'} address to connect to; set ssh_interface or associate_public_ip_address`);
  }
  return host;
}

/** Connects over SSH and runs the template's provisioners; closes the connection whatever happens. */
export function provisionStep(cfg: ResolvedEbs): Step<Init & KeyState & RunningState, { sshHost?: string }> {
  let comm: Communicator | undefined;
  let reach: { instanceId: string; options: SshOptions } | undefined;
  return {
    name: 'provision',
    async run(ctx, { clients, instance, privateKey }) {
      if (cfg.communicator === 'none') return {};
      const host = sshAddress(cfg, instance);
      const options = resolveSshConfig(cfg.ssh, { host, port: cfg.sshPort, privateKey, hostKey: CONSOLE_HOST_KEYS }, {
        file: cfg.templateFile,
        path: cfg.where.slice(cfg.templateFile.length + 2),
        templateDir: cfg.templateDir,
      });
      reach = { instanceId: instance.InstanceId ?? '', options };
      const console = ec2Console(await clients.get(), instance.InstanceId ?? '', cfg.access, ctx.log);
      comm = await connectSsh(options, { log: ctx.log, signal: ctx.signal }, { console });
      await ctx.provision(comm, { Host: host, Port: String(options.port), User: options.username, ID: instance.InstanceId ?? '' });
      await comm.close();
      comm = undefined;
      return { sshHost: host };
    },
    async cleanup() {
      await comm?.close();
      comm = undefined;
    },
    // The instance stays (its own step keeps it); bake's connection goes, and the temporary key goes
    // where the printed ssh command finds it. Also when SSH never came up: that is worth a look too.
    async keep(ctx) {
      await comm?.close();
      comm = undefined;
      if (!reach) return [];
      const keyFile = reach.options.privateKey ? writeKeptKey(ctx, reach.options.privateKey) : undefined;
      return [`The instance ${reach.instanceId}: ${sshCommandLine(reach.options, keyFile)}`];
    },
  };
}
