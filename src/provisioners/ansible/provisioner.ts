import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { howItEnded } from '../../communicator/exit-text.js';
import { LocalCommunicator } from '../../communicator/local.js';
import type { Communicator, ExecResult, SshLogin } from '../../communicator/types.js';
import type { ProvisionContext } from '../../core/context.js';
import { BakeError, throwIfAborted } from '../../core/errors.js';
import type { Provisioner } from '../../plugins/types.js';
import { galaxyArgs, playbookArgs } from './arguments.js';
import { inventoryText } from './inventory.js';
import { PlaybookWatch } from './playbook-watch.js';
import type { ResolvedAnsible } from './resolve.js';

const WHO = 'ansible provisioner';
const STDERR_TAIL = 3;

/**
 * Runs ansible-playbook on this machine against the build's machine. Packer puts an SSH proxy of
 * its own between them (use_proxy); bake has none: ansible logs in straight to the machine with
 * the build's own SSH login (its key written to a 0600 file in a private temporary directory,
 * removed afterwards together with ansible's SSH control sockets).
 */
export class AnsibleProvisioner implements Provisioner {
  constructor(readonly config: ResolvedAnsible) {}

  async run(ctx: ProvisionContext, comm: Communicator): Promise<void> {
    const r = this.config;
    if (!comm.sshLogin) {
      // The chroot builder never has SSH: its commands run inside the image directly.
      const why =
        ctx.buildType === 'chroot'
          ? 'ansible logs in over SSH, and a chroot build has no SSH connection (its commands run inside the image directly); use the ansible-local provisioner, which runs ansible inside the image'
          : 'ansible logs in over SSH, and this build has no SSH connection to the machine (its communicator is "none"); set the communicator to "ssh", or use the ansible-local provisioner';
      throw new BakeError(`${WHO}: ${r.where}: ${why}`);
    }
    const login = await comm.sshLogin();
    if (login.bastion) {
      throw new BakeError(
        `${WHO}: ${r.where}: the build reaches ${login.host} through the bastion ${login.bastion.host}, which bake does not hand to ansible yet; run ansible from a host that reaches the machine, or add a ProxyJump with ansible_ssh_extra_args`,
      );
    }
    const user = r.user ?? login.username;
    if (r.useProxy === true) {
      ctx.log.warn(`${WHO}: use_proxy is true, but bake has no SSH proxy: ansible connects straight to ${login.host}:${login.port} with the build's SSH login`);
    }
    if (r.useProxy !== false && r.user && r.user !== login.username) {
      ctx.log.warn(`${WHO}: user "${r.user}" differs from the build's SSH user "${login.username}"; Packer's proxy would log in as "${login.username}", bake uses "${r.user}" (set use_proxy to false to silence this)`);
    }
    const temp = await mkdtemp(join(tmpdir(), 'bake-ansible-'));
    await chmod(temp, 0o700);
    const local = new LocalCommunicator(ctx.log);
    let inventory: string | undefined;
    try {
      const connectionVars = join(temp, 'connection.json');
      await writeFile(connectionVars, JSON.stringify(await connectionValues(login, temp)), { mode: 0o600 });
      inventory = r.inventoryFile ?? (await this.writeInventory(ctx, login, user, temp));
      const env = this.environment(temp, Boolean(login.knownHosts));
      await this.galaxy(ctx, local, env);
      throwIfAborted(ctx.signal);
      const args = playbookArgs(r, {
        buildName: ctx.buildName,
        buildType: ctx.buildType,
        inventory,
        connectionVars,
        ...(ctx.vars.PACKER_HTTP_ADDR ? { httpAddr: ctx.vars.PACKER_HTTP_ADDR } : {}),
      });
      ctx.log.say(`Executing Ansible: ${[r.command, ...args].join(' ')}`);
      const watch = new PlaybookWatch();
      const result = await runTool(local, [r.command, ...args], env, ctx, 'command', (line) => {
        watch.line(line);
        ctx.log.output(line);
      });
      if (result.exitCode !== 0) throw playbookError(r, result, watch);
    } finally {
      await closeControlMasters(local, join(temp, 'cp'));
      if (inventory && !r.inventoryFile && r.inventoryDirectory) {
        if (r.keepInventoryFile) ctx.log.info(`${WHO}: kept the inventory ${inventory} (keep_inventory_file)`);
        else await rm(inventory, { force: true });
      }
      await rm(temp, { recursive: true, force: true });
    }
  }

  private async writeInventory(ctx: ProvisionContext, login: SshLogin, user: string, temp: string): Promise<string> {
    const r = this.config;
    const text = inventoryText(r, { host: login.host, port: login.port, user, id: ctx.vars.ID ?? '' }, ctx);
    const dir = r.inventoryDirectory ?? (r.keepInventoryFile ? tmpdir() : temp);
    await mkdir(dir, { recursive: true });
    const path = join(dir, `bake-ansible-inventory-${randomBytes(4).toString('hex')}`);
    await writeFile(path, text, { mode: 0o600 });
    if (!r.inventoryDirectory && r.keepInventoryFile) ctx.log.info(`${WHO}: keeping the inventory ${path} (keep_inventory_file)`);
    return path;
  }

  /** bake's defaults first, then the template's ansible_env_vars, which win. */
  private environment(temp: string, knownHost: boolean): Record<string, string> {
    const r = this.config;
    return {
      // With the key bake accepted in a known_hosts file ansible checks it too; without one it cannot.
      ANSIBLE_HOST_KEY_CHECKING: knownHost ? 'True' : 'False',
      ANSIBLE_NOCOLOR: 'True',
      PYTHONUNBUFFERED: '1',
      ANSIBLE_SSH_CONTROL_PATH_DIR: join(temp, 'cp'),
      ANSIBLE_LOCAL_TEMP: join(temp, 'tmp'),
      ...(r.rolesPath ? { ANSIBLE_ROLES_PATH: r.rolesPath } : {}),
      ...(r.collectionsPath ? { ANSIBLE_COLLECTIONS_PATHS: r.collectionsPath } : {}),
      ...r.env,
    };
  }

  private async galaxy(ctx: ProvisionContext, local: LocalCommunicator, env: Record<string, string>): Promise<void> {
    const g = this.config.galaxy;
    if (!g) return;
    const requirements = await readFile(g.file, 'utf8').catch(() => {
      throw new BakeError(`${WHO}: ${this.config.where}.galaxy_file: cannot read "${g.file}"`);
    });
    for (const args of galaxyArgs(this.config, requirements)) {
      ctx.log.say(`Executing Ansible Galaxy: ${[g.command, ...args].join(' ')}`);
      const result = await runTool(local, [g.command, ...args], env, ctx, 'galaxy_command', (line) => ctx.log.output(line));
      if (result.exitCode !== 0) throw new BakeError(`${WHO}: ${g.command} ${args.slice(0, -1).join(' ')} exited with ${result.exitCode}${tail(result)}`);
    }
  }
}

/**
 * The login as ansible variables: the key goes to a 0600 file; a password only when there is no
 * key. The host key bake accepted goes to a known_hosts file ssh must check against; ansible puts
 * ssh_common_args before --ssh-extra-args, and ssh keeps the first value of an option, so it wins
 * over the default UserKnownHostsFile=/dev/null.
 */
async function connectionValues(login: SshLogin, temp: string): Promise<Record<string, string>> {
  const hostKey: Record<string, string> = {};
  if (login.knownHosts) {
    const file = join(temp, 'known_hosts');
    await writeFile(file, `${login.knownHosts}\n`, { mode: 0o600 });
    hostKey.ansible_ssh_common_args = `-o UserKnownHostsFile=${file} -o StrictHostKeyChecking=yes`;
  }
  if (login.privateKey) {
    const keyFile = join(temp, 'key');
    await writeFile(keyFile, login.privateKey.endsWith('\n') ? login.privateKey : `${login.privateKey}\n`, { mode: 0o600 });
    return { ...hostKey, ansible_ssh_private_key_file: keyFile };
  }
  if (login.password) return { ...hostKey, ansible_password: login.password };
  return hostKey;
}

async function runTool(
  local: LocalCommunicator,
  argv: string[],
  env: Record<string, string>,
  ctx: ProvisionContext,
  option: string,
  onLine: (line: string) => void,
): Promise<ExecResult> {
  try {
    return await local.execFile(argv, { env, signal: ctx.signal, stdout: onLine, stderr: onLine });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new BakeError(`${WHO}: cannot run "${argv[0]}": not found (install ansible, e.g. "apt-get install ansible-core", or set ${option})`);
    }
    throw err;
  }
}

function tail(result: ExecResult): string {
  const lines = result.stderrTail.filter((l) => l.trim() !== '').slice(-STDERR_TAIL);
  return lines.length ? `: ${lines.join(' | ')}` : '';
}

function playbookError(r: ResolvedAnsible, result: ExecResult, watch: PlaybookWatch): BakeError {
  const how = howItEnded(result);
  const f = watch.failure;
  if (!f) return new BakeError(`${WHO}: ${r.command} ${how}${tail(result)}`);
  const what = f.unreachable ? `could not reach ${f.host}` : `failed on ${f.host}`;
  return new BakeError(`${WHO}: task "${f.task}" ${what}: ${f.message} (${r.command} ${how})`);
}

/** ansible leaves ssh master connections running for a minute (ControlPersist); end them now. */
async function closeControlMasters(local: LocalCommunicator, dir: string): Promise<void> {
  const sockets = await readdir(dir).catch(() => [] as string[]);
  await Promise.all(
    sockets.map((s) =>
      local.execFile(['ssh', '-o', `ControlPath=${join(dir, s)}`, '-O', 'exit', 'bake-ansible'], { stdout: () => {}, stderr: () => {} }).catch(() => undefined),
    ),
  );
}
