import { shq } from './shell.js';
import { StateFailure, type Facts, type HostFacts, type Remote } from './types.js';

const HEADER = [
  'BAKE_PM=; for pm in apt-get dnf yum apk; do if command -v $pm >/dev/null 2>&1; then BAKE_PM=${pm%-get}; break; fi; done; echo "pm=$BAKE_PM"',
  'if [ -d /run/systemd/system ]; then echo systemd=1; else echo systemd=0; fi',
].join('\n');

/**
 * One script probing every state given: the guest facts first, then each state's snippet in its
 * own section. One round trip for the whole batch is what makes a no-change pass fast.
 */
export function probeScript(snippets: string[]): string {
  const parts = [HEADER];
  snippets.forEach((s, i) => parts.push(`printf '\\n@@%s\\n' ${i}\n{\n${s}\n} </dev/null`));
  parts.push('exit 0');
  return parts.join('\n');
}

export function parseProbe(output: string, count: number): { host: HostFacts; facts: Facts[] } {
  const sections: Facts[] = [{}];
  let last: string | undefined;
  for (const line of output.split('\n')) {
    const m = /^@@(\d+)$/.exec(line);
    if (m) {
      sections[Number(m[1]) + 1] = {};
      last = undefined;
      continue;
    }
    const kv = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    const section = sections[sections.length - 1];
    if (kv) {
      section[kv[1]] = kv[2];
      last = kv[1];
    } else if (last !== undefined && line !== '') section[last] += `\x1f${line}`;
  }
  const head = sections[0];
  const facts = Array.from({ length: count }, (_, i) => sections[i + 1] ?? {});
  return { host: { pm: head.pm ?? '', systemd: head.systemd === '1' }, facts };
}

/**
 * Runs the probe script. `userCommands`: some snippet runs the user's commands (cmd.run's
 * unless/onlyif, with their env): the script then travels by upload so no env value shows on a
 * command line on the guest, and a run cut off by a lost connection is not repeated, since those
 * commands may do more than read. A probe of bake's own reads is repeated once after a lost
 * connection (the communicator reconnects).
 */
export async function probe(remote: Remote, snippets: string[], userCommands = false): Promise<{ host: HostFacts; facts: Facts[] }> {
  const script = probeScript(snippets);
  const once = async () => {
    if (!userCommands) return remote.run(script);
    const tmp = await remote.upload(script);
    return remote.run(`sh ${shq(tmp)} </dev/null; rc=$?; rm -f ${shq(tmp)}; exit $rc`);
  };
  let res = await once();
  const lost = res.code === -1 && !res.signal;
  if (lost && userCommands) {
    throw new StateFailure('probing the guest lost the connection while unless/onlyif commands ran; they are not run again, as they may do more than read: run the build again');
  }
  if (lost) res = await once();
  if (res.code !== 0) {
    throw new StateFailure(`probing the guest exited with ${res.code}: ${res.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  return parseProbe(res.stdout, snippets.length);
}
