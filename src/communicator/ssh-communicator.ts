import type { SFTPWrapper } from 'ssh2';
import { AbortedError, BakeError, reasonText } from '../core/errors.js';
import { formatDuration, sleep } from '../core/wait.js';
import { SftpOps } from './sftp-ops.js';
import { downloadPath, uploadBytes, uploadPath } from './sftp-transfer.js';
import type { HostKeyVerifier, VerifiedHostKey } from './host-key-verifier.js';
import { type ConnectContext, connectWithRetry } from './ssh-connect.js';
import { readKey, type SshConnection } from './ssh-connection.js';
import { ChannelOpenError, execOnClient } from './ssh-exec.js';
import type { SshOptions } from './ssh-options.js';
import type { Communicator, ExecOptions, ExecResult, SshLogin, TransferOptions } from './types.js';

/** Tries of a command whose session the server keeps refusing: about 25 s of growing pauses. */
const REFUSED_TRIES = 30;

/**
 * One SSH connection reused for every command and transfer. When it drops (sshd restarted by
 * cloud-init, an expected reboot), the next call reconnects within ssh_timeout; a command that was
 * running when it dropped is not re-run: it reports exitCode null.
 */
export class SshCommunicator implements Communicator {
  private sftpSession?: Promise<SftpOps>;
  private reconnecting?: Promise<SshConnection>;
  private closed = false;

  constructor(
    private readonly options: SshOptions,
    private readonly ctx: ConnectContext,
    private connection: SshConnection,
    /** The build's verifier: a reconnect must meet the same host key. */
    private readonly verifier: HostKeyVerifier,
  ) {}

  hostKey(): VerifiedHostKey | undefined {
    return this.verifier.verified();
  }

  private async live(): Promise<SshConnection> {
    if (this.closed) throw new BakeError('ssh: the connection was closed by bake');
    if (!this.connection.closed) return this.connection;
    if (!this.reconnecting) {
      this.ctx.log.info(`ssh: connection to ${this.options.host}:${this.options.port} lost, reconnecting`);
      this.sftpSession = undefined;
      this.reconnecting = connectWithRetry(this.options, this.ctx, false, this.verifier).finally(() => {
        this.reconnecting = undefined;
      });
      this.connection = await this.reconnecting;
      return this.connection;
    }
    return this.reconnecting;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    const limit = this.options.readWriteTimeoutMs;
    if (!limit) return this.execOnce(command, options);
    const deadline = AbortSignal.timeout(limit);
    const signal = options.signal ? AbortSignal.any([options.signal, deadline]) : deadline;
    try {
      return await this.execOnce(command, { ...options, signal });
    } catch (err) {
      if (deadline.aborted && !options.signal?.aborted) {
        throw new BakeError(`ssh: command did not finish within ${formatDuration(limit)} (ssh_read_write_timeout)`);
      }
      throw err;
    }
  }

  private async execOnce(command: string, options: ExecOptions): Promise<ExecResult> {
    for (let tries = 1; ; tries++) {
      const connection = await this.live();
      try {
        return await execOnClient(connection.client, command, options, this.ctx.log, this.options.pty);
      } catch (err) {
        // The channel never opened, so the command never ran: safe to retry. A refusal on a working
        // connection (its other sessions fill sshd's MaxSessions) waits for one of them to end, on
        // the same connection: ending it would kill them. A dead connection is replaced.
        if (!(err instanceof ChannelOpenError)) throw channelError(err);
        const refusedOnLive = err.refused && !connection.closed;
        if (tries >= (refusedOnLive ? REFUSED_TRIES : 3)) throw channelError(err);
        if (!refusedOnLive) connection.end();
        await sleep(refusedOnLive ? Math.min(100 * tries, 1000) : 100, options.signal);
      }
    }
  }

  private sftp(): Promise<SftpOps> {
    if (!this.sftpSession) {
      const session = this.live().then(
        (connection) =>
          new Promise<SftpOps>((resolve, reject) =>
            connection.client.sftp((err: Error | undefined, sftp: SFTPWrapper) => {
              if (err) return reject(new BakeError(`sftp: cannot start the SFTP subsystem on ${this.options.host}: ${err.message}`));
              sftp.on('close', () => {
                if (this.sftpSession === session) this.sftpSession = undefined;
              });
              resolve(new SftpOps(sftp));
            }),
          ),
      );
      session.catch(() => {
        if (this.sftpSession === session) this.sftpSession = undefined;
      });
      this.sftpSession = session;
    }
    return this.sftpSession;
  }

  /** Runs a transfer; an abort ends the SFTP session under it, so it stops at once. */
  private async transfer(signal: AbortSignal | undefined, fn: (ops: SftpOps) => Promise<void>): Promise<void> {
    if (signal?.aborted) throw new AbortedError(reasonText(signal.reason));
    const ops = await this.sftp();
    const onAbort = () => ops.sftp.end();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      await fn(ops);
    } catch (err) {
      if (signal?.aborted) throw new AbortedError(reasonText(signal.reason));
      throw err;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  upload(src: string, dest: string, options: TransferOptions = {}): Promise<void> {
    return this.transfer(options.signal, (ops) => uploadPath(ops, src, dest, options));
  }

  uploadData(data: Buffer | string, dest: string, options: TransferOptions = {}): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    return this.transfer(options.signal, (ops) => uploadBytes(ops, bytes, dest, options));
  }

  async sshLogin(): Promise<SshLogin> {
    const o = this.options;
    const key = await readKey(o, o, 'target');
    const knownHosts = this.verifier.knownHostsLine();
    return {
      host: o.host,
      port: o.port,
      username: o.username,
      ...(o.password ? { password: o.password } : {}),
      ...(key ? { privateKey: key } : {}),
      ...(o.agentSocket ? { agentSocket: o.agentSocket } : {}),
      ...(knownHosts ? { knownHosts } : {}),
      ...(o.bastion ? { bastion: { host: o.bastion.host, port: o.bastion.port, username: o.bastion.username } } : {}),
    };
  }

  remove(paths: string[], options: { signal?: AbortSignal } = {}): Promise<void> {
    return this.transfer(options.signal, async (ops) => {
      for (const path of paths) await ops.unlinkIfPresent(path);
    });
  }

  download(src: string, dest: string, options: TransferOptions = {}): Promise<void> {
    return this.transfer(options.signal, (ops) => downloadPath(ops, src, dest, options));
  }

  async close(): Promise<void> {
    this.closed = true;
    this.connection.end();
  }
}

function channelError(err: unknown): unknown {
  if (err instanceof ChannelOpenError) {
    const why = err.refused ? ' (the server kept refusing a new session: its MaxSessions, or a ForceCommand/PermitOpen policy)' : '';
    return new BakeError(`ssh: cannot start a command: ${err.message}${why}`, { cause: err });
  }
  return err;
}

