import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import type { AuthenticationType, CipherAlgorithm, Client, ClientChannel, ConnectConfig, KexAlgorithm } from 'ssh2';
import { AbortedError, BakeError, reasonText } from '../core/errors.js';
import type { HostKeyVerifier } from './host-key-verifier.js';
import { cipherPreference } from './ssh-algorithms.js';
import type { SshEndpoint, SshOptions } from './ssh-options.js';

export type FailureKind = 'unreachable' | 'auth' | 'handshake';

/** One failed connection attempt, classified so the retry loop knows whether waiting can help. */
export class ConnectFailure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly endpoint: SshEndpoint,
    readonly role: 'target' | 'bastion',
  ) {
    super(message);
  }
}

/** A live connection: the client, and the bastion it goes through (if any). */
export interface SshConnection {
  client: Client;
  bastion?: Client;
  /** Set once the connection is gone; the communicator then reconnects before the next command. */
  closed: boolean;
  end(): void;
}

/**
 * The methods tried, in order: the key first. ssh2's default starts with a "none" attempt and
 * tries a password before the key; against an sshd whose key lookup is slow each attempt costs a
 * round trip and counts toward MaxAuthTries.
 */
export function authMethods(endpoint: SshEndpoint): AuthenticationType[] {
  return [
    ...(endpoint.privateKeyFile || endpoint.privateKey ? ['publickey' as const] : []),
    ...(endpoint.agentSocket ? ['agent' as const] : []),
    ...(endpoint.password ? ['password' as const, 'keyboard-interactive' as const] : []),
  ];
}

/** The endpoint's private key text: the key file's contents (checked to parse), or the builder's key. */
export async function readKey(endpoint: SshEndpoint, options: SshOptions, role: 'target' | 'bastion'): Promise<string | undefined> {
  if (!endpoint.privateKeyFile) return endpoint.privateKey;
  const key = role === 'target' ? 'ssh_private_key_file' : 'ssh_bastion_private_key_file';
  const where = `${options.source.file}: ${options.source.path}.${key}`;
  const given = endpoint.privateKeyFile.replace(/^~(?=$|\/)/, homedir());
  const candidates = isAbsolute(given) ? [given] : [resolve(given), resolve(options.source.templateDir, given)];
  let text: string | undefined;
  for (const path of candidates) {
    text = await readFile(path, 'utf8').catch(() => undefined);
    if (text !== undefined) break;
  }
  if (text === undefined) throw new BakeError(`${where}: cannot read "${endpoint.privateKeyFile}" (no such file or not readable)`);
  const { default: ssh2 } = await import('ssh2');
  const parsed = ssh2.utils.parseKey(text);
  if (parsed instanceof Error) {
    throw new BakeError(`${where}: "${endpoint.privateKeyFile}" is not a usable private key (${parsed.message})`);
  }
  return text;
}

function clientConfig(endpoint: SshEndpoint, options: SshOptions, key: string | undefined, timeoutMs: number, verifier: HostKeyVerifier): ConnectConfig {
  const forwardAgent = endpoint === options && options.agentForwarding;
  const role = endpoint === options ? 'target' : 'bastion';
  return {
    hostVerifier: (blob: Buffer) => verifier.verify(role, endpoint, blob),
    host: endpoint.host,
    port: endpoint.port,
    username: endpoint.username,
    ...(endpoint.password ? { password: endpoint.password, tryKeyboard: true } : {}),
    ...(key ? { privateKey: key } : {}),
    ...(endpoint.agentSocket ? { agent: endpoint.agentSocket } : {}),
    ...(forwardAgent ? { agentForward: true } : {}),
    authHandler: authMethods(endpoint),
    readyTimeout: Math.max(1000, timeoutMs),
    keepaliveInterval: options.keepAliveIntervalMs,
    keepaliveCountMax: 3,
    algorithms: {
      cipher: cipherPreference(options.ciphers) as CipherAlgorithm[],
      ...(options.kex ? { kex: options.kex as KexAlgorithm[] } : {}),
    },
  };
}

function classify(err: Error & { level?: string }): FailureKind {
  if (err.level === 'client-authentication') return 'auth';
  if (err.level === 'client-socket' || err.level === 'client-timeout' || err.level === 'client-dns') return 'unreachable';
  if (/Connection lost before handshake|Channel open failure|closed before/i.test(err.message)) return 'unreachable';
  return 'handshake';
}

interface AttemptContext {
  signal: AbortSignal;
  ClientClass: typeof Client;
  /** "t.json: builders[0]", for settings errors. */
  where: string;
  silence?: Silence;
  verifier: HostKeyVerifier;
}

/**
 * `onSilent` is called when the server has not sent a byte `ms` after the TCP connect. QEMU's user
 * network accepts on the forwarded port at once, then holds the connection without a word while the
 * booting guest's network is not up (and retries its SYN to the guest only seconds apart): a new
 * connection beside it reaches an sshd started meanwhile sooner. The attempt itself goes on.
 */
export interface Silence {
  ms: number;
  onSilent: () => void;
}

function attempt(config: ConnectConfig, endpoint: SshEndpoint, role: 'target' | 'bastion', at: AttemptContext): Promise<Client> {
  const { signal, ClientClass, silence } = at;
  return new Promise((resolvePromise, reject) => {
    const client = new ClientClass();
    let settled = false;
    let silenceTimer: NodeJS.Timeout | undefined;
    const settle = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(silenceTimer);
      signal.removeEventListener('abort', onAbort);
      if (err) {
        // An attempt given up (superseded, or the build cancelled) may be on a silent peer that would
        // never answer a polite end: the socket would linger, holding bake.
        if (err instanceof AbortedError) client.destroy();
        else client.end();
        reject(err);
      } else resolvePromise(client);
    };
    if (silence) {
      client.once('connect', () => {
        silenceTimer = setTimeout(() => {
          // Any byte from the server (its version line) means it is there, only slow: ssh2's
          // readyTimeout bounds that. ssh2 keeps its socket in _sock; without it, no byte is known of.
          const sock = (client as unknown as { _sock?: { bytesRead?: unknown } })._sock;
          if (typeof sock?.bytesRead === 'number' && sock.bytesRead > 0) return;
          silence.onSilent();
        }, silence.ms);
      });
      client.once('handshake', () => clearTimeout(silenceTimer));
    }
    const onAbort = () => settle(new AbortedError(reasonText(signal.reason)));
    signal.addEventListener('abort', onAbort, { once: true });
    // A listener must always be attached: ssh2 emits 'error' for late socket errors too.
    client.on('error', (err: Error) => settle(at.verifier.takeRejection(role) ?? new ConnectFailure(classify(err), err.message, endpoint, role)));
    client.once('close', () => settle(new ConnectFailure('unreachable', 'connection closed before login', endpoint, role)));
    client.once('ready', () => settle());
    client.on('keyboard-interactive', (_name, _instructions, _lang, prompts, finish) => {
      finish(prompts.map(() => endpoint.password ?? ''));
    });
    try {
      client.connect(config);
    } catch (err) {
      settle(configError(err as Error, config, at.where) ?? new ConnectFailure('handshake', (err as Error).message, endpoint, role));
    }
  });
}

/** A setting ssh2 refuses before any traffic: retrying cannot help, so it is reported at once. */
function configError(err: Error, config: ConnectConfig, where: string): BakeError | undefined {
  const name = /^Unsupported algorithm: (.+)$/.exec(err.message)?.[1];
  if (!name) return undefined;
  const option = (config.algorithms?.kex as string[] | undefined)?.includes(name) ? 'ssh_key_exchange_algorithms' : 'ssh_ciphers';
  return new BakeError(`${where}.${option}: "${name}" is not an algorithm bake supports`);
}

function forwardOut(bastion: Client, host: string, port: number, endpoint: SshEndpoint): Promise<ClientChannel> {
  return new Promise((resolvePromise, reject) => {
    bastion.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
      if (err) reject(new ConnectFailure('unreachable', `bastion could not reach ${host}:${port}: ${err.message}`, endpoint, 'target'));
      else resolvePromise(stream);
    });
  });
}

/**
 * One attempt to log in (through the bastion when there is one); no retries here. With `silence`,
 * a direct connection whose server says nothing that soon is reported (and goes on).
 */
export async function openConnection(options: SshOptions, signal: AbortSignal, timeoutMs: number, verifier: HostKeyVerifier, silence?: Silence): Promise<SshConnection> {
  const { Client: ClientClass } = (await import('ssh2')).default;
  const at: AttemptContext = { signal, ClientClass, where: `${options.source.file}: ${options.source.path}`, verifier };
  const key = await readKey(options, options, 'target');
  let bastion: Client | undefined;
  let sock: ClientChannel | undefined;
  if (options.bastion) {
    const bastionKey = await readKey(options.bastion, options, 'bastion');
    const config = clientConfig(options.bastion, options, bastionKey, timeoutMs, verifier);
    bastion = await attempt(config, options.bastion, 'bastion', at);
    try {
      sock = await forwardOut(bastion, options.host, options.port, options);
    } catch (err) {
      bastion.end();
      throw err;
    }
  }
  let client: Client;
  try {
    const direct = !sock && silence ? { silence } : {};
    client = await attempt({ ...clientConfig(options, options, key, timeoutMs, verifier), ...(sock ? { sock } : {}) }, options, 'target', { ...at, ...direct });
  } catch (err) {
    bastion?.end();
    throw err;
  }
  const connection: SshConnection = {
    client,
    ...(bastion ? { bastion } : {}),
    closed: false,
    end() {
      connection.closed = true;
      client.end();
      bastion?.end();
    },
  };
  const markClosed = () => {
    connection.closed = true;
  };
  client.on('close', markClosed);
  client.on('end', markClosed);
  bastion?.on('close', () => connection.end());
  return connection;
}
