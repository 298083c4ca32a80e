import { existsSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { isAbsolute, join, resolve as resolvePath } from 'node:path';
import type { SshConfigInput } from '../../communicator/index.js';
import { UsageError } from '../../core/errors.js';
import { parseDuration } from '../../core/wait.js';
import type { PluginEnv } from '../../plugins/types.js';
import { parseBootCommand } from './boot-keys.js';
import { parseDiskSize, type Source, resolveSource } from '../../local-image/index.js';
import { bootCommandProblems } from './qcodes.js';
import { checkShutdownCommand } from './shutdown-command.js';
import type { QemuConfig } from './schema.js';

/** What to type once QEMU runs: boot_command as one step, or boot_steps. Templates ({{ .HTTPIP }}) are rendered at run time. */
export interface BootTyping {
  steps: { keys: string; description?: string }[];
  waitMs: number;
  keyIntervalMs: number;
  groupIntervalMs: number;
}

export interface HttpServing {
  directory?: string;
  content?: Record<string, string>;
  portMin: number;
  portMax: number;
  bindAddress: string;
}

/** The qemu builder's config with defaults applied, durations in ms and paths absolute: all the steps see. */
export interface ResolvedQemu {
  /** Where the config came from, for messages and for resolving the SSH options at run time. */
  env: PluginEnv;
  ssh: SshConfigInput;
  source: Source;
  /** disk_image false: iso_url is an installer booted once from CD, the disk starts blank. */
  installFromIso: boolean;
  boot?: BootTyping;
  http?: HttpServing;
  /** bake's NoCloud seed CD: cloud-image builds that bring no seed of their own over HTTP. */
  cloudInitSeed: boolean;
  useBackingFile: boolean;
  /** Undefined: keep the source's size. */
  diskSizeMiB?: number;
  format: 'qcow2' | 'raw';
  /** Undefined: "output-<build name>", known at run time. */
  outputDir?: string;
  /** Undefined: "packer-<build name>", as Packer. */
  vmName?: string;
  compress: boolean;
  compact: boolean;
  accelerator: 'auto' | 'kvm' | 'tcg' | 'hvf' | 'whpx' | 'xen';
  memoryMiB: number;
  cpus: number;
  /** sockets/cores/threads given: QEMU's -smp topology, which also bounds cpus. */
  topology?: { sockets?: number; cores?: number; threads?: number };
  cpuModel?: string;
  qemuBinary: string;
  qemuArgs: string[][];
  netDevice: string;
  diskInterface: 'virtio' | 'virtio-scsi' | 'scsi' | 'ide' | 'sata';
  diskCache: string;
  diskDiscard: string;
  detectZeroes: string;
  machineType: string;
  /** UEFI boot: the firmware's code (read-only) and the variable store copied per build. */
  efi?: { code: string; vars: string; dropVars: boolean };
  /** `firmware`: QEMU's -bios, or a read-only pflash drive. */
  firmware?: { path: string; pflash: boolean };
  vga?: string;
  bootWaitMs: number;
  shutdownCommand?: string;
  shutdownTimeoutMs: number;
  portMin: number;
  portMax: number;
  cdFiles: string[];
  cdContent: Record<string, string>;
  /** floppy_files/floppy_dirs/floppy_content; undefined without any. */
  floppy?: { files: string[]; dirs: string[]; content: Record<string, string> };
  cdLabel: string;
  userData?: string;
  metaData?: string;
  qemuImgArgs: { convert: string[]; create: string[]; resize: string[] };
  skipResize: boolean;
  communicator: 'ssh' | 'none';
  sshUsername: string;
  /** Undefined with no key and no password: the build makes and injects a temporary key. */
  sshPrivateKeyFile?: string;
  sshPassword?: string;
  clearAuthorizedKeys: boolean;
}

function ms(value: string | undefined, fallback: number): number {
  return value === undefined ? fallback : (parseDuration(value) ?? fallback);
}

export function resolveQemuConfig(config: QemuConfig, env: PluginEnv): ResolvedQemu {
  const at = (key: string) => `${env.file}: ${env.path}.${key}`;
  const installFromIso = config.disk_image === false;
  const source = resolveSource(config, at);
  if (source.kind === 'base' && installFromIso) {
    throw new UsageError(`${at('iso_url')}: required with disk_image false (the installer ISO to boot)`);
  }
  if (installFromIso && config.use_backing_file) throw new UsageError(`${at('use_backing_file')}: only for disk images (disk_image true); an install starts from a blank disk`);
  const format = config.format ?? 'qcow2';
  const useBackingFile = config.use_backing_file ?? false;
  if (useBackingFile && format !== 'qcow2') throw new UsageError(`${at('use_backing_file')}: needs format "qcow2"`);
  const compress = config.disk_compression ?? false;
  if (compress && format !== 'qcow2') throw new UsageError(`${at('disk_compression')}: needs format "qcow2"`);
  // An install needs a disk of some size: Packer's default is 40960M (a sparse file until written).
  let diskSizeMiB: number | undefined = installFromIso ? 40960 : undefined;
  if (config.disk_size !== undefined) {
    diskSizeMiB = parseDiskSize(config.disk_size);
    if (diskSizeMiB === undefined) throw new UsageError(`${at('disk_size')}: must be a size like "4G" or "4096M", got "${config.disk_size}"`);
  }
  const portMin = config.host_port_min ?? config.ssh_host_port_min ?? 2222;
  const portMax = config.host_port_max ?? config.ssh_host_port_max ?? 4444;
  if (portMax > 65535) throw new UsageError(`${at('host_port_max')}: must be ≤ 65535`);
  if (portMin > portMax) throw new UsageError(`${at('host_port_min')}: must be ≤ host_port_max (${portMin} > ${portMax})`);
  if (!config.ssh_username && source.kind === 'url' && (config.communicator ?? 'ssh') === 'ssh') {
    const who = installFromIso ? 'the user your installer config creates' : 'the user your image\'s cloud-init creates, e.g. "debian" or "ubuntu"';
    throw new UsageError(`${at('ssh_username')}: required with iso_url (${who})`);
  }
  // Relative paths are taken from the working directory, as in Packer ({{template_dir}} gives the template's).
  const abs = (p: string) => (isAbsolute(p) ? p : resolvePath(p));
  const http = httpServing(config, at, abs);
  const cloudInitSeed = config.user_data !== undefined || config.meta_data !== undefined || (!installFromIso && !http);
  const cdLabel = config.cd_label ?? (cloudInitSeed ? 'cidata' : 'CDROM');
  if ((config.user_data !== undefined || config.meta_data !== undefined) && cdLabel !== 'cidata') {
    throw new UsageError(`${at('cd_label')}: must be "cidata" (or unset) when user_data or meta_data is given, so cloud-init finds the seed`);
  }
  const boot = bootTyping(config, at);
  if (boot && !http && boot.steps.some((s) => /\{\{[^}]*\.HTTP(IP|Port)\b/.test(s.keys))) {
    throw new UsageError(`${at(config.boot_command?.length ? 'boot_command' : 'boot_steps')}: uses {{ .HTTPIP }}/{{ .HTTPPort }} but nothing is served: set http_directory or http_content`);
  }
  if (config.shutdown_command) checkShutdownCommand(config.shutdown_command, at('shutdown_command'));
  return {
    env,
    ssh: config,
    source,
    installFromIso,
    ...(boot ? { boot } : {}),
    ...(http ? { http } : {}),
    cloudInitSeed,
    useBackingFile,
    diskSizeMiB,
    format,
    outputDir: config.output_directory ? resolvePath(config.output_directory) : undefined,
    vmName: config.vm_name || undefined,
    compress,
    // Packer compacts unless told not to; bake rewrites the image only when asked, as it costs time and rarely space.
    compact: compress || config.skip_compaction === false,
    accelerator: !config.accelerator || config.accelerator === 'none' ? 'auto' : config.accelerator,
    memoryMiB: config.memory ?? 1024,
    ...cpuCount(config),
    cpuModel: config.cpu_model,
    qemuBinary: config.qemu_binary ?? 'qemu-system-x86_64',
    qemuArgs: config.qemuargs ?? [],
    netDevice: config.net_device ?? 'virtio-net',
    diskInterface: config.disk_interface ?? 'virtio',
    diskCache: config.disk_cache ?? 'writeback',
    diskDiscard: config.disk_discard ?? 'ignore',
    detectZeroes: config.disk_detect_zeroes ?? 'off',
    machineType: config.machine_type ?? 'pc',
    ...efiFirmware(config, at, abs),
    ...(config.vga ? { vga: config.vga } : {}),
    // With a boot_command, boot_wait is spent before typing it, not again before SSH.
    bootWaitMs: boot ? 0 : ms(config.boot_wait, 0),
    shutdownCommand: config.shutdown_command || undefined,
    shutdownTimeoutMs: ms(config.shutdown_timeout, 300_000),
    portMin,
    portMax,
    cdFiles: (config.cd_files ?? []).map(abs),
    cdContent: config.cd_content ?? {},
    ...(config.floppy_files?.length || config.floppy_dirs?.length || Object.keys(config.floppy_content ?? {}).length
      ? { floppy: { files: (config.floppy_files ?? []).map(abs), dirs: (config.floppy_dirs ?? []).map(abs), content: config.floppy_content ?? {} } }
      : {}),
    cdLabel,
    userData: config.user_data,
    metaData: config.meta_data,
    qemuImgArgs: { convert: config.qemu_img_args?.convert ?? [], create: config.qemu_img_args?.create ?? [], resize: config.qemu_img_args?.resize ?? [] },
    skipResize: config.skip_resize_disk ?? false,
    communicator: config.communicator ?? 'ssh',
    sshUsername: config.ssh_username ?? 'debian',
    sshPrivateKeyFile: config.ssh_private_key_file ? abs(config.ssh_private_key_file) : undefined,
    sshPassword: config.ssh_password,
    clearAuthorizedKeys: config.ssh_clear_authorized_keys ?? false,
  };
}

/** cpus and the -smp topology as Packer reads them: the product of sockets, cores and threads given is the count's default and its ceiling. */
function cpuCount(config: QemuConfig): Pick<ResolvedQemu, 'cpus' | 'topology'> {
  const given = [config.sockets, config.cores, config.threads].filter((n): n is number => n !== undefined);
  // Two vCPUs where the host has two cores: multi-threaded TCG (and KVM) then boot and
  // provision in parallel; under TCG here a bake took 33 s instead of 47 s. Packer's default is 1.
  if (given.length === 0) return { cpus: config.cpus ?? Math.min(2, availableParallelism()) };
  const max = given.reduce((a, b) => a * b, 1);
  const topology = { ...(config.sockets ? { sockets: config.sockets } : {}), ...(config.cores ? { cores: config.cores } : {}), ...(config.threads ? { threads: config.threads } : {}) };
  return { cpus: Math.min(config.cpus ?? max, max), topology };
}

/**
 * efi_* and firmware as Packer reads them: either efi_firmware_* implies efi_boot, and Packer's
 * default paths are those of Debian's ovmf package. The files are checked when the build starts:
 * a template may be validated on another host than the one that builds it.
 */
function efiFirmware(config: QemuConfig, at: (key: string) => string, abs: (p: string) => string): Pick<ResolvedQemu, 'efi' | 'firmware'> {
  const efiBoot = config.efi_boot === true || !!config.efi_firmware_code || !!config.efi_firmware_vars;
  if (efiBoot && config.firmware) throw new UsageError(`${at('firmware')}: cannot be used with efi_boot; give the UEFI firmware as efi_firmware_code and efi_firmware_vars`);
  if (efiBoot) {
    const code = abs(config.efi_firmware_code || '/usr/share/OVMF/OVMF_CODE.fd');
    const vars = abs(config.efi_firmware_vars || '/usr/share/OVMF/OVMF_VARS.fd');
    return { efi: { code, vars, dropVars: config.efi_drop_efivars ?? false } };
  }
  return config.firmware ? { firmware: { path: abs(config.firmware), pflash: config.use_pflash ?? false } } : {};
}

function httpServing(config: QemuConfig, at: (key: string) => string, abs: (p: string) => string): HttpServing | undefined {
  const content = config.http_content && Object.keys(config.http_content).length > 0 ? config.http_content : undefined;
  if (!config.http_directory && !content) return undefined;
  if (config.http_directory && content) throw new UsageError(`${at('http_content')}: cannot be used with http_directory (as in Packer); put the files in the directory`);
  const portMin = config.http_port_min ?? 8000;
  const portMax = config.http_port_max ?? 9000;
  if (portMax > 65535) throw new UsageError(`${at('http_port_max')}: must be ≤ 65535`);
  if (portMin > portMax) throw new UsageError(`${at('http_port_min')}: must be ≤ http_port_max (${portMin} > ${portMax})`);
  let directory: string | undefined;
  if (config.http_directory) {
    directory = abs(config.http_directory);
    if (!existsSync(directory) || !statSync(directory).isDirectory()) throw new UsageError(`${at('http_directory')}: ${directory} is not a directory`);
  }
  return { ...(directory ? { directory } : {}), ...(content ? { content } : {}), portMin, portMax, bindAddress: config.http_bind_address ?? '127.0.0.1' };
}

function bootTyping(config: QemuConfig, at: (key: string) => string): BootTyping | undefined {
  if (config.boot_command?.length && config.boot_steps?.length) throw new UsageError(`${at('boot_steps')}: cannot be used with boot_command (as in Packer)`);
  const steps = config.boot_command?.length
    ? [{ keys: config.boot_command.join('') }]
    : (config.boot_steps ?? []).map(([keys, description]) => ({ keys: keys ?? '', ...(description ? { description } : {}) }));
  if (steps.length === 0) return undefined;
  const key = config.boot_command?.length ? 'boot_command' : 'boot_steps';
  for (const [i, step] of steps.entries()) {
    const problems = bootCommandProblems(parseBootCommand(step.keys));
    if (problems.length > 0) throw new UsageError(`${at(key === 'boot_steps' ? `boot_steps[${i}]` : key)}: ${problems.join('; ')}`);
  }
  const fromEnv = process.env.PACKER_KEY_INTERVAL ? parseDuration(process.env.PACKER_KEY_INTERVAL) : undefined;
  return {
    steps,
    // Packer waits 10s before typing unless told otherwise; templates are tuned to that.
    waitMs: ms(config.boot_wait, 10_000),
    keyIntervalMs: ms(config.boot_key_interval, fromEnv ?? 100),
    groupIntervalMs: ms(config.boot_keygroup_interval, 0),
  };
}
