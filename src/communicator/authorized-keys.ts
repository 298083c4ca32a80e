import { BakeError } from '../core/errors.js';
import { shellQuote } from './shell-env.js';
import type { Communicator } from './types.js';

/**
 * Removes a temporary public key from the login user's authorized_keys (ssh_clear_authorized_keys),
 * so the image does not keep a door open for a key that only the build had. The file is rewritten
 * in place to keep its owner and mode.
 */
export async function removeAuthorizedKey(comm: Communicator, publicKey: string, file = '$HOME/.ssh/authorized_keys'): Promise<void> {
  const blob = publicKey.trim().split(/\s+/)[1];
  if (!blob) throw new BakeError(`ssh_clear_authorized_keys: not a public key: ${JSON.stringify(publicKey.slice(0, 40))}`);
  // grep -v exits 1 when no line is left, which is still a success here.
  const script =
    `f="${file}"; [ -f "$f" ] || exit 0; ` +
    `{ grep -vF ${shellQuote(blob)} "$f" || true; } > "$f.bake-tmp" && cat "$f.bake-tmp" > "$f" && rm -f "$f.bake-tmp"`;
  const result = await comm.exec(script, { stdout: () => {}, stderr: () => {} });
  if (result.exitCode !== 0) {
    throw new BakeError(`ssh_clear_authorized_keys: could not edit ${file} (exit ${result.exitCode}): ${result.stderrTail.join(' / ')}`);
  }
}
