import { existsSync, readFileSync } from 'node:fs';
import { BakeError } from '../../core/errors.js';
import { type ElfHeader, hostArchName, isDynamicallyLinked, machineNames, runsNatively } from './arch.js';
import { BINFMT_DIR, type BinfmtHandler, handlerMatches, readBinfmt } from './binfmt.js';

/** How the image's programs run on this host. */
export type Emulation =
  | { native: true }
  | {
      native: false;
      /** Debian's name of the image's architecture. */
      arch: string;
      handler: BinfmtHandler;
      /** A copy of the emulator bake puts in the image for the build and takes out afterwards. */
      copy?: { source: string; destination: string };
    };

export interface EmulationOptions {
  /** qemu_binary_source_path: the emulator on the host (default: the interpreter the handler names). */
  source?: string;
  /** qemu_binary_destination_path: where its copy goes in the image (default: the interpreter's path, where the kernel looks without the F flag). */
  destination?: string;
  /** Names a key of the template in messages about it: `t.json: builders[0].qemu_binary_source_path`. */
  at?: (key: string) => string;
  /** Seams for tests: Node's name of the host architecture, binfmt_misc's directory, the kernel's filesystem list. */
  hostArch?: string;
  binfmtDir?: string;
  procFilesystems?: string;
}

function kernelHasBinfmt(path: string): boolean {
  try {
    return /\sbinfmt_misc$/m.test(readFileSync(path, 'utf8'));
  } catch {
    return false;
  }
}

/**
 * Finds how this host can run the image's programs: itself, or through a binfmt_misc handler
 * (qemu-user-static). bake changes nothing on the host: where no handler is registered and
 * enabled, it stops with one line that says which command does it.
 */
export async function planEmulation(header: ElfHeader | undefined, o: EmulationOptions = {}): Promise<Emulation> {
  if (!header || runsNatively(header.machine, o.hostArch)) return { native: true };
  const names = machineNames(header.machine, header.littleEndian);
  const dir = o.binfmtDir ?? BINFMT_DIR;
  // A problem with a value the template set names that key first, as every template error does.
  const fail = (why: string, key?: 'qemu_binary_source_path' | 'qemu_binary_destination_path') =>
    new BakeError(
      `${key && o.at ? `${o.at(key)}: ` : ''}chroot: the image is ${names.debian} and this host is ${hostArchName(o.hostArch)}: its programs run here only through qemu-user-static and binfmt_misc; ${why}`,
    );
  const sourceKey = o.source === undefined ? undefined : 'qemu_binary_source_path';
  const register = `register qemu-user-static's handler: \`update-binfmts --enable qemu-${names.qemu}\` (binfmt-support) or \`/usr/lib/systemd/systemd-binfmt /usr/lib/binfmt.d/qemu-${names.qemu}.conf\` (systemd)`;
  const binfmt = await readBinfmt(dir);
  if (!binfmt.mounted) {
    if (!kernelHasBinfmt(o.procFilesystems ?? '/proc/filesystems') && !existsSync(dir)) {
      throw fail(`this kernel offers no binfmt_misc at ${dir} (load it with \`modprobe binfmt_misc\`; in a container, run it privileged), or bake this image on a host of that architecture or with the qemu builder`);
    }
    throw fail(`binfmt_misc is not mounted: run \`mount -t binfmt_misc binfmt_misc ${dir}\`, then ${register}`);
  }
  if (!binfmt.enabled) throw fail(`binfmt_misc is switched off on this host: run \`echo 1 > ${dir}/status\``);
  const matching = binfmt.handlers.filter((h) => handlerMatches(h, header.bytes));
  const handler = matching.find((h) => h.enabled);
  if (!handler) {
    const off = matching[0];
    if (off) throw fail(`its binfmt_misc handler ${off.name} is disabled: run \`echo 1 > ${dir}/${off.name}\``);
    const emulator = o.source ?? `/usr/bin/qemu-${names.qemu}-static`;
    if (!existsSync(emulator)) throw fail(`install qemu-user-static (no ${emulator} here; Debian/Ubuntu: \`apt-get install qemu-user-static\`) and ${register}`);
    throw fail(`no binfmt_misc handler is registered for it: ${register}`);
  }
  // With F (fix-binary) the kernel opened the emulator when the handler was registered: nothing is needed inside the image.
  const fixBinary = handler.flags.includes('F');
  if (fixBinary && o.destination === undefined) return { native: false, arch: names.debian, handler };
  const destination = o.destination ?? handler.interpreter;
  if (!fixBinary && destination !== handler.interpreter) {
    throw fail(
      `its binfmt_misc handler ${handler.name} has no F flag, so the kernel runs ${handler.interpreter} from inside the image, not ${destination}: set qemu_binary_destination_path to ${handler.interpreter}, or leave it out`,
      'qemu_binary_destination_path',
    );
  }
  const source = o.source ?? handler.interpreter;
  if (!existsSync(source)) throw fail(`the emulator ${source} to copy into the image is not on this host: install qemu-user-static or set qemu_binary_source_path`, sourceKey);
  if (await isDynamicallyLinked(source)) {
    throw fail(`the emulator ${source} is dynamically linked, so a copy of it cannot run inside the image: set qemu_binary_source_path to a static one (qemu-user-static's /usr/bin/qemu-${names.qemu}-static)`, sourceKey);
  }
  return { native: false, arch: names.debian, handler, copy: { source, destination } };
}
