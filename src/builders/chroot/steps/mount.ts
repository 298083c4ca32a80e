import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPrivateNetwork } from '../../../chroot-sandbox/index.js';
import { ChrootNamespace } from '../../../communicator/index.js';
import type { BuildContext } from '../../../core/context.js';
import type { Step } from '../../../core/steps.js';
import { runTool } from '../../../local-image/index.js';
import { render } from '../../../template/index.js';
import { mountCustom, mountDefaults } from '../api-mounts.js';
import { ELF_HEADER_BYTES, parseElfHeader } from '../arch.js';
import { planEmulation } from '../emulation.js';
import { findRoot, loopOptions, mountRoot } from '../find-root.js';
import { parseFstab } from '../fstab.js';
import { growFilesystem, growPartition } from '../grow.js';
import { FSTAB_FILESYSTEMS, partitionFor, readPartitions } from '../partitions.js';
import { timed } from '../phase-timer.js';
import type { MountConfig } from '../resolve.js';
import { ChrootSession } from '../session.js';
import type { DiskState, MountedState } from '../state.js';

/** While provisioning, Debian's invoke-rc.d asks this and starts no service (101: "action forbidden"). */
const POLICY_RC_D = '#!/bin/sh\n# bake chroot builder: no service starts while the image is provisioned.\nexit 101\n';

/** Most an /etc/hostname or /etc/fstab of the image may hold: bake reads nothing bigger. */
const MAX_CONFIG_BYTES = 64 * 1024;

function renderCommand(c: MountConfig, ctx: BuildContext, command: string, key: string, data: Record<string, string>): string {
  return render(command, { data, buildName: ctx.buildName, buildType: ctx.buildType, where: `${c.env.file}: ${c.env.path}.${key}` });
}

/**
 * Starts the namespace that holds the build's mounts, then mounts the root filesystem, the disk
 * filesystems its fstab names and the API filesystems, and puts copy_files and policy-rc.d in place.
 * Its cleanup unmounts all of it and ends the namespace.
 */
export function mountStep(c: MountConfig): Step<DiskState & { diskGrown: boolean }, MountedState> {
  let session: ChrootSession | undefined;
  return {
    name: 'mount',
    run: async (ctx, { diskFile, workDir, diskGrown }) => {
      const root = c.mountPath ?? join(workDir, 'root');
      mkdirSync(root, { recursive: true });
      const vars = { Device: diskFile, MountPath: root };
      for (const [i, command] of c.preMountCommands.entries()) {
        await runTool('/bin/sh', ['-c', renderCommand(c, ctx, command, `pre_mount_commands[${i}]`, vars)], { signal: ctx.signal, onLine: (l) => ctx.log.output(l) });
      }
      return timed(ctx.log, 'mount', async () => {
        const diskSize = Number((await runTool('stat', ['-c', '%s', diskFile], { signal: ctx.signal })).trim());
        let parts = await readPartitions(diskFile, diskSize, ctx.signal);
        const ns = await ChrootNamespace.start(holderName(ctx.buildId), c.network !== 'host');
        session = new ChrootSession(ns, root, diskFile);
        if (c.network === 'private') {
          await startPrivateNetwork(ns);
          ctx.log.info('The image\'s programs get a private network with outbound access only (pasta)');
        }
        const probeDir = join(workDir, 'probe');
        mkdirSync(probeDir);
        let rootPart = await findRoot(ns, diskFile, parts, probeDir, c.mountPartition);
        const grow = diskGrown && (await growPartition(diskFile, rootPart, parts, ctx.log, ctx.signal));
        if (grow) {
          parts = await readPartitions(diskFile, diskSize, ctx.signal);
          rootPart = parts.find((p) => p.number === rootPart.number)!;
          await growFilesystem(ns, diskFile, root, rootPart, false, ctx.log, ctx.signal);
        }
        ctx.log.say(`Mounting the ${rootPart.fsType} root filesystem (${rootPart.number === 0 ? 'whole disk' : `partition ${rootPart.number}`}) in a private namespace`);
        await mountRoot(ns, diskFile, rootPart, root, c.mountOptions);
        const head = session.image.head('/bin/sh', ELF_HEADER_BYTES);
        const header = head && parseElfHeader(head);
        const emulation = await planEmulation(header, { source: c.qemuSource, destination: c.qemuDestination, at: (key) => `${c.env.file}: ${c.env.path}.${key}` });
        if (emulation.native && (c.qemuSource || c.qemuDestination)) ctx.log.info('The image runs natively on this host: qemu_binary_source_path and qemu_binary_destination_path are not used');
        if (!emulation.native) {
          const { handler, copy } = emulation;
          ctx.log.say(`The image is ${emulation.arch}: its programs run through ${handler.interpreter} (binfmt_misc handler ${handler.name}${copy ? '' : ', F flag: nothing is copied into the image'})`);
        }
        if (grow) await growFilesystem(ns, diskFile, root, rootPart, true, ctx.log, ctx.signal);
        // The image's own name, so that sudo and postinst scripts resolve it from the image's /etc/hosts.
        const hostname = (session.image.read('/etc/hostname', MAX_CONFIG_BYTES)?.toString() ?? '').trim().split('\n')[0];
        if (hostname && /^[A-Za-z0-9.-]+$/.test(hostname)) await ns.run(['hostname', hostname]);
        for (const entry of parseFstab(session.image.read('/etc/fstab', MAX_CONFIG_BYTES)?.toString() ?? '')) {
          const part = partitionFor(entry.spec, parts);
          if (!part || part.number === rootPart.number) {
            ctx.log.debug(`fstab: ${entry.spec} on ${entry.target} is not a partition of this disk; not mounted`);
            continue;
          }
          if (!FSTAB_FILESYSTEMS.includes(part.fsType)) {
            ctx.log.warn(`fstab: ${entry.target} is partition ${part.number}, which holds ${part.fsType || 'no filesystem blkid knows'}: not mounted (bake mounts ${FSTAB_FILESYSTEMS.join(', ')} from the image's fstab)`);
            continue;
          }
          ctx.log.info(`Mounting ${entry.target} (${part.fsType}, partition ${part.number}) from the image's fstab`);
          await ns.run(['mount', '-t', part.fsType, '-o', loopOptions(part, ['nodev']), diskFile, session.mountTarget(entry.target)]);
        }
        await (c.chrootMounts ? mountCustom(session, c.chrootMounts, ctx.log) : mountDefaults(session));
        const files = join(workDir, 'files');
        mkdirSync(files);
        for (const [i, path] of c.copyFiles.entries()) {
          const copy = join(files, String(i));
          copyFileSync(path, copy);
          await session.place(copy, path, ctx.log);
        }
        if (!emulation.native && emulation.copy) {
          ctx.log.info(`Copying the emulator ${emulation.copy.source} to ${emulation.copy.destination} in the image for the build (removed afterwards)`);
          await session.place(emulation.copy.source, emulation.copy.destination, ctx.log);
        }
        const policy = join(files, 'policy-rc.d');
        writeFileSync(policy, POLICY_RC_D, { mode: 0o755 });
        await session.place(policy, '/usr/sbin/policy-rc.d', ctx.log);
        for (const [i, command] of c.postMountCommands.entries()) {
          const out = await ns.run(['sh', '-c', renderCommand(c, ctx, command, `post_mount_commands[${i}]`, vars)], { signal: ctx.signal });
          for (const line of out.split('\n').filter(Boolean)) ctx.log.output(line);
        }
        await session.startSandbox(join(workDir, 'sandbox'));
        return { session, rootPartition: rootPart.number, rootFsType: rootPart.fsType, rootOffset: rootPart.offset };
      });
    },
    cleanup: async (ctx) => {
      await session?.teardown(ctx.log);
    },
    keep: async (ctx) => {
      if (!session?.ns.alive) return [];
      await session.ns.keep();
      ctx.journal.created({ type: 'local:process', id: String(session.ns.unsharePid), details: { match: holderName(ctx.buildId) } });
      return [
        `The image is mounted at ${session.root} in a private mount namespace held by pid ${session.ns.pid}; enter it with:`,
        `  nsenter --target ${session.ns.pid} --mount --uts --pid -- chroot ${session.root}`,
      ];
    },
  };
}

/** The namespace holder's name: `bake cleanup` kills the recorded pid only while its command line still ends in it. */
function holderName(buildId: string): string {
  return `bake-chroot-${buildId}`;
}
