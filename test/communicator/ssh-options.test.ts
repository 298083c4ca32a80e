import { describe, expect, it } from 'vitest';
import { resolveSshConfig } from '../../src/communicator/ssh-options.js';
import { UsageError } from '../../src/core/errors.js';

const env = { file: 't.json', path: 'builders[0]', templateDir: '/tpl' };

describe('resolveSshConfig', () => {
  it('applies defaults and turns durations into milliseconds', () => {
    const o = resolveSshConfig({ ssh_password: 'pw', ssh_timeout: '1m30s', pause_before_connecting: '2s' }, { host: 'h', username: 'u' }, env);
    expect(o).toMatchObject({
      host: 'h',
      port: 22,
      username: 'u',
      password: 'pw',
      timeoutMs: 90_000,
      handshakeAttempts: 10,
      keepAliveIntervalMs: 5000,
      pauseBeforeConnectingMs: 2000,
      pty: false,
      source: env,
    });
    expect(o.bastion).toBeUndefined();
  });

  it('prefers the template over the builder, and a key file over the temporary key', () => {
    const o = resolveSshConfig(
      { ssh_host: 'a', ssh_port: 2222, ssh_username: 'me', ssh_private_key_file: 'k' },
      { host: 'b', port: 22, username: 'root', privateKey: 'TEMP' },
      env,
    );
    expect(o).toMatchObject({ host: 'a', port: 2222, username: 'me', privateKeyFile: 'k' });
    expect(o.privateKey).toBeUndefined();
    expect(resolveSshConfig({}, { host: 'b', username: 'root', privateKey: 'TEMP' }, env).privateKey).toBe('TEMP');
  });

  it('names the JSON path of a missing host, username or credential', () => {
    expect(() => resolveSshConfig({ ssh_password: 'x' }, { username: 'u' }, env)).toThrow(
      new UsageError('t.json: builders[0].ssh_host: required (the builder has no address to connect to)'),
    );
    expect(() => resolveSshConfig({ ssh_password: 'x' }, { host: 'h' }, env)).toThrow('t.json: builders[0].ssh_username: required');
    expect(() => resolveSshConfig({}, { host: 'h', username: 'u' }, env)).toThrow(
      't.json: builders[0]: no SSH credentials: set ssh_private_key_file, ssh_password or ssh_agent_auth',
    );
  });

  it('refuses agent auth without SSH_AUTH_SOCK', () => {
    const saved = process.env.SSH_AUTH_SOCK;
    delete process.env.SSH_AUTH_SOCK;
    try {
      expect(() => resolveSshConfig({ ssh_agent_auth: true }, { host: 'h', username: 'u' }, env)).toThrow(
        't.json: builders[0].ssh_agent_auth: SSH_AUTH_SOCK is not set; start ssh-agent or use a key file',
      );
    } finally {
      if (saved !== undefined) process.env.SSH_AUTH_SOCK = saved;
    }
  });

  it('resolves a bastion, defaulting its port and user', () => {
    const o = resolveSshConfig({ ssh_password: 'p', ssh_bastion_host: 'jump', ssh_bastion_private_key_file: 'bk' }, { host: 'h', username: 'u' }, env);
    expect(o.bastion).toEqual({ host: 'jump', port: 22, username: 'u', privateKeyFile: 'bk' });
    expect(() => resolveSshConfig({ ssh_password: 'p', ssh_bastion_host: 'jump' }, { host: 'h', username: 'u' }, env)).toThrow(
      't.json: builders[0]: no credentials for the bastion: set ssh_bastion_private_key_file, ssh_bastion_password or ssh_bastion_agent_auth',
    );
  });
});
