import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalCommunicator } from '../../../src/communicator/local.js';
import type { Communicator } from '../../../src/communicator/types.js';
import { runStates, plugin, type StateProvisioner } from '../../../src/provisioners/state/index.js';
import { probe } from '../../../src/provisioners/state/probe.js';
import { makeRemote } from '../../../src/provisioners/state/remote.js';
import type { Remote } from '../../../src/provisioners/state/types.js';

/** The local shell as the guest, recording every command line it is given. */
function recordingShell() {
  const local = new LocalCommunicator();
  const commands: string[] = [];
  const comm: Communicator = {
    exec: (command, options) => {
      commands.push(command);
      return local.exec(command, options);
    },
    upload: (...a) => local.upload(...a),
    uploadData: (...a) => local.uploadData(...a),
    download: (...a) => local.download(...a),
    close: async () => {},
  };
  return { comm, commands };
}

async function apply(states: Record<string, unknown>, comm: Communicator) {
  const provisioner = plugin.create({ states } as never, { file: 't.json', path: 'provisioners[0]', templateDir: process.cwd() }) as StateProvisioner;
  const plan = await provisioner.plan({ templateDir: process.cwd(), vars: {} });
  const signal = new AbortController().signal;
  const dir = mkdtempSync(join(tmpdir(), 'bake-state-tmp-'));
  return runStates(plan, makeRemote(comm, { sudo: false, signal, tmpDir: dir }), { test: false, failFast: true, serviceMode: 'enable-only', signal });
}

describe('cmd.run env never on a command line', () => {
  it('keeps env values off every command line, in the command, creates, unless and onlyif alike', async () => {
    const secret = 'hunter2-very-secret';
    const dir = mkdtempSync(join(tmpdir(), 'bake-cmd-env-'));
    const { comm, commands } = recordingShell();
    const out = await apply(
      {
        skipped: { 'cmd.run': { name: `echo ran > ${dir}/skipped`, cwd: dir, env: { TOKEN: secret }, unless: `test "$TOKEN" = ${secret}` } },
        runs: { 'cmd.run': { name: `printf %s "$TOKEN" > ${dir}/token`, cwd: dir, env: { TOKEN: secret }, onlyif: `test "$TOKEN" = ${secret}`, creates: `${dir}/token` } },
        refused: { 'cmd.run': { name: `echo ran > ${dir}/refused`, cwd: dir, env: [{ TOKEN: secret }], onlyif: ['true', 'test "$TOKEN" = other'] } },
      },
      comm,
    );
    expect(out.results.map((r) => [r.id, r.comment])).toEqual([
      ['skipped', 'unless condition is true'],
      ['runs', `Command "printf %s "$TOKEN" > ${dir}/token" run`],
      ['refused', 'onlyif condition is false: test "$TOKEN" = other'],
    ]);
    expect(readFileSync(join(dir, 'token'), 'utf8')).toBe(secret);
    expect(commands.length).toBeGreaterThan(2);
    expect(commands.filter((c) => c.includes(secret))).toEqual([]);
  });
});

describe('a probe cut off by a lost connection', () => {
  /** A guest whose first command ends without an exit status, as when the connection drops. */
  function droppingRemote(): Remote & { runs: string[] } {
    const runs: string[] = [];
    return {
      runs,
      run: async (script) => {
        runs.push(script);
        return runs.length === 1 ? { code: -1, stdout: '', stderr: '' } : { code: 0, stdout: 'pm=apt\nsystemd=1\n@@0\nc0=1', stderr: '' };
      },
      must: async () => '',
      upload: async () => '/tmp/.bake-state-x',
    };
  }

  it('is run again when it only reads', async () => {
    const remote = droppingRemote();
    const out = await probe(remote, ['if [ -e /x ]; then echo c0=1; fi']);
    expect(remote.runs).toHaveLength(2);
    expect(out.facts).toEqual([{ c0: '1' }]);
  });

  it('is not run again when it ran unless/onlyif commands, and says why', async () => {
    const remote = droppingRemote();
    await expect(probe(remote, ['(touch /x) >/dev/null 2>&1; echo u0=$?'], true)).rejects.toThrow(
      'probing the guest lost the connection while unless/onlyif commands ran; they are not run again, as they may do more than read: run the build again',
    );
    expect(remote.runs).toHaveLength(1);
  });
});
