import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BakeError } from '../../../core/errors.js';
import type { Step } from '../../../core/steps.js';
import type { ResolvedQemu } from '../resolve.js';
import type { EfiState, OutputState } from '../state.js';

/** Firmware images are a few MiB; anything far larger is not one (and a device would never end). */
const MAX_FIRMWARE_BYTES = 64 * 1024 * 1024;

function checkFirmwareFile(path: string, option: string): void {
  let size: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw new BakeError(`qemu: ${option} ${path} is not a regular file`);
    size = st.size;
  } catch (err) {
    if (err instanceof BakeError) throw err;
    throw new BakeError(`qemu: ${option} ${path} does not exist: install Debian's ovmf package (scripts/setup-host.sh does) or give the path of this host's UEFI firmware`);
  }
  if (size > MAX_FIRMWARE_BYTES) throw new BakeError(`qemu: ${option} ${path} is ${size} bytes, too large for a firmware image`);
}

/**
 * efi_boot: this build's copy of the firmware's variable store, which the guest writes (boot
 * entries). As in Packer it is output_directory/efivars.fd and part of the artifact; with
 * efi_drop_efivars it lives in the work directory instead. Either directory is journaled and
 * removed on failure, so the copy needs no cleanup of its own. The firmware files themselves are
 * never written.
 */
export function efiVarsStep(c: ResolvedQemu): Step<OutputState, EfiState> {
  return {
    name: 'UEFI variables',
    run: async (ctx, { outputDir, workDir }) => {
      if (!c.efi) return {};
      checkFirmwareFile(c.efi.code, 'efi_firmware_code');
      checkFirmwareFile(c.efi.vars, 'efi_firmware_vars');
      const efiVars = join(c.efi.dropVars ? workDir : outputDir, 'efivars.fd');
      copyFileSync(c.efi.vars, efiVars);
      ctx.log.say(`Booting with UEFI firmware ${c.efi.code}`);
      return { efiVars, keepEfiVars: !c.efi.dropVars };
    },
  };
}
