import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectSsh } from '../../src/communicator/connect-ssh.js';
import type { Communicator } from '../../src/communicator/types.js';
import { AbortedError } from '../../src/core/errors.js';
import { startCoalescingProxy } from '../helpers/coalescing-proxy.js';
import { makeProvisionContext } from '../helpers/context.js';
import { startSshd, type TestSshd } from '../helpers/sshd.js';
import { optionsFor } from './ssh-test-options.js';

describe('SSH exec', () => {
  let sshd: TestSshd;
  let comm: Communicator;
  let ctx: ReturnType<typeof makeProvisionContext>;
  beforeAll(async () => {
    sshd = await startSshd();
    ctx = makeProvisionContext();
    comm = await connectSsh(optionsFor(sshd), ctx);
  });
  afterAll(async () => {
    await comm?.close();
    await sshd?.stop();
  });

  it('returns exit codes and streams stdout and stderr line by line', async () => {
    const out: string[] = [];
    const err: string[] = [];
    const result = await comm.exec("printf 'a\\nb\\r\\nno newline'; echo oops >&2; echo é€ >&2; exit 7", {
      stdout: (l) => out.push(l),
      stderr: (l) => err.push(l),
    });
    expect(result).toEqual({ exitCode: 7, stderrTail: ['oops', 'é€'] });
    expect(out).toEqual(['a', 'b', 'no newline']);
    expect(err).toEqual(['oops', 'é€']);
  });

  it('sends output to the build log when no callbacks are given', async () => {
    ctx.events.length = 0;
    await comm.exec('echo to-log; echo err-to-log >&2');
    expect(ctx.events.filter((e) => e.level === 'output').map((e) => e.text).sort()).toEqual(['err-to-log', 'to-log']);
  });

  it('keeps only the last ten stderr lines for error messages', async () => {
    const result = await comm.exec('for i in $(seq 1 25); do echo line$i >&2; done; exit 3', { stderr: () => {} });
    expect(result.exitCode).toBe(3);
    expect(result.stderrTail).toEqual(Array.from({ length: 10 }, (_, i) => `line${i + 16}`));
  });

  it('passes environment variables with any characters, safely quoted', async () => {
    const out: string[] = [];
    const value = `it's "quoted" $HOME \`id\` ; rm -rf /nothing \\ end`;
    await comm.exec('printf "%s|%s\\n" "$A" "$B_2"', { env: { A: value, B_2: '' }, stdout: (l) => out.push(l) });
    expect(out).toEqual([`${value}|`]);
    await expect(comm.exec('true', { env: { 'BAD-NAME': 'x' } })).rejects.toThrow(
      'invalid environment variable name "BAD-NAME": use letters, digits and _',
    );
  });

  it('writes raw bytes to stdoutStream', async () => {
    const chunks: Buffer[] = [];
    const sink = new Writable({
      write(chunk, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    });
    await comm.exec("printf '\\000\\001\\377'", { stdoutStream: sink });
    expect(Buffer.concat(chunks)).toEqual(Buffer.from([0, 1, 255]));
  });

  it('reports the signal that killed a command', async () => {
    const result = await comm.exec('kill -KILL $$');
    expect(result.exitCode).toBeNull();
    expect(result.exitSignal).toBe('SIGKILL');
  });

  it('stops a running command on abort and kills it on the server', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('build cancelled')), 300);
    const started = Date.now();
    await expect(comm.exec('sleep 37.25; echo finished', { signal: controller.signal })).rejects.toThrow(new AbortedError('build cancelled'));
    expect(Date.now() - started).toBeLessThan(3000);
    const check = await comm.exec("pgrep -f 'sleep 37[.]25'", { stdout: () => {} });
    expect(check.exitCode).toBe(1);
  });

  it('reconnects transparently after the server drops the connection', async () => {
    sshd.dropConnections();
    await new Promise((r) => setTimeout(r, 200));
    const out: string[] = [];
    expect((await comm.exec('echo again', { stdout: (l) => out.push(l) })).exitCode).toBe(0);
    expect(out).toEqual(['again']);
    expect(ctx.events.map((e) => e.text)).toContain(`ssh: connection to 127.0.0.1:${sshd.port} lost, reconnecting`);
  });

  it('reconnects when sshd restarts (as cloud-init does) and is briefly down', async () => {
    await sshd.restart(800);
    const out: string[] = [];
    expect((await comm.exec('echo after-restart', { stdout: (l) => out.push(l) })).exitCode).toBe(0);
    expect(out).toEqual(['after-restart']);
  });

  it('returns a null exit code, without re-running, when the connection drops mid-command', async () => {
    const marker = `/tmp/bake-runs-${process.pid}`;
    await comm.exec(`rm -f ${marker}`);
    setTimeout(() => sshd.dropConnections(), 500);
    const result = await comm.exec(`echo run >> ${marker}; sleep 5`);
    expect(result.exitCode).toBeNull();
    const out: string[] = [];
    await comm.exec(`cat ${marker}; rm -f ${marker}`, { stdout: (l) => out.push(l) });
    expect(out).toEqual(['run']);
  });

  it('kills a command that outlives ssh_read_write_timeout', async () => {
    // 3 s, not less: on a loaded machine an ordinary command over this sshd can take a second or two.
    const limited = await connectSsh(optionsFor(sshd, { ssh_read_write_timeout: '3s' }), makeProvisionContext());
    try {
      await expect(limited.exec('sleep 38.5')).rejects.toThrow('ssh: command did not finish within 3s (ssh_read_write_timeout)');
      expect((await comm.exec("pgrep -f 'sleep 38[.]5'", { stdout: () => {} })).exitCode).toBe(1);
      expect((await limited.exec('exit 4')).exitCode).toBe(4);
    } finally {
      await limited.close();
    }
  });

  it('keeps the exit status when the whole reply to a command arrives in one read, as on a busy machine', async () => {
    // The exec reply, exit-status and close reach the client together; bake once listened for the
    // exit only after an await past ssh2's callback and reported such quick commands "without status".
    const proxy = await startCoalescingProxy(sshd);
    const busy = await connectSsh(optionsFor({ ...sshd, port: proxy.port }, { ssh_keep_alive_interval: '0s' }), makeProvisionContext());
    try {
      // After login sshd sends its host keys, which ssh2 answers: let that pass before counting writes.
      await busy.exec('true');
      // Runs the command plainly, counting the server's reply, then again with that reply held and
      // handed over at once. The client's writes for a command: the channel open, then the exec request.
      const inOneRead = async (command: string) => {
        await proxy.settled();
        const run = async () => {
          const out: string[] = [];
          return { ...(await busy.exec(command, { stdout: (l) => out.push(l), stderr: () => {} })), out };
        };
        const replyBytes = proxy.count(2);
        const plain = await run();
        await proxy.settled();
        proxy.hold(2, replyBytes());
        return [plain, await run()];
      };
      expect(await inOneRead('exit 3')).toEqual(Array(2).fill({ exitCode: 3, stderrTail: [], out: [] }));
      expect(await inOneRead('echo out; echo err >&2')).toEqual(Array(2).fill({ exitCode: 0, stderrTail: ['err'], out: ['out'] }));
      expect(await inOneRead('kill -KILL $$')).toEqual(Array(2).fill({ exitCode: null, exitSignal: 'SIGKILL', stderrTail: [], out: [] }));
    } finally {
      await busy.close();
      await proxy.close();
    }
  });

  it('runs many commands over the one connection', async () => {
    const before = sshd.log().split('Accepted publickey').length;
    for (let i = 0; i < 10; i++) expect((await comm.exec(`exit ${i % 3}`)).exitCode).toBe(i % 3);
    expect(sshd.log().split('Accepted publickey').length).toBe(before);
  });
});

describe('SSH exec on a server that allows one session at a time', () => {
  let sshd: TestSshd;
  let comm: Communicator;
  beforeAll(async () => {
    sshd = await startSshd({ extraConfig: ['MaxSessions 1'] });
    comm = await connectSsh(optionsFor(sshd), makeProvisionContext());
  });
  afterAll(async () => {
    await comm?.close();
    await sshd?.stop();
  });

  it('a refused session waits for the running command instead of ending the connection under it', async () => {
    const firstOut: string[] = [];
    const first = comm.exec('sleep 2; echo first-done', { stdout: (l) => firstOut.push(l) });
    // Let the first channel open before asking for a second one.
    await new Promise((r) => setTimeout(r, 500));
    const secondOut: string[] = [];
    const second = await comm.exec('echo second-done', { stdout: (l) => secondOut.push(l) });
    expect(second.exitCode).toBe(0);
    expect(secondOut).toEqual(['second-done']);
    expect((await first).exitCode).toBe(0);
    expect(firstOut).toEqual(['first-done']);
  });
});
