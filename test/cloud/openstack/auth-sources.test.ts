import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { authBody, tokensUrl } from '../../../src/cloud/openstack/keystone.js';
import { resolveAuth } from '../../../src/cloud/openstack/index.js';

function cloudsDir(clouds: string, secure?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'bake-os-'));
  writeFileSync(join(dir, 'clouds.yaml'), clouds);
  if (secure) writeFileSync(join(dir, 'secure.yaml'), secure);
  return dir;
}

const CLOUDS = `clouds:
  mycloud:
    auth:
      auth_url: https://keystone.example:5000/v3
      username: alice
      project_name: images
      user_domain_name: Corp
      project_domain_name: Corp
    region_name: RegionTwo
    interface: internal
  other:
    auth:
      auth_url: https://other.example:5000
`;

describe('where credentials come from', () => {
  it('reads a clouds.yaml entry from the working directory, with secure.yaml laid over it', () => {
    const dir = cloudsDir(CLOUDS, 'clouds:\n  mycloud:\n    auth:\n      password: s3cret\n');
    const auth = resolveAuth({ template: {}, cloud: 'mycloud', cwd: dir, env: { HOME: dir } });
    expect(auth).toMatchObject({
      cloud: 'mycloud',
      authUrl: 'https://keystone.example:5000/v3',
      username: 'alice',
      password: 's3cret',
      projectName: 'images',
      userDomainName: 'Corp',
      region: 'RegionTwo',
      interface: 'internal',
    });
  });

  it('finds clouds.yaml under ~/.config/openstack and picks the cloud from OS_CLOUD', () => {
    const home = mkdtempSync(join(tmpdir(), 'bake-home-'));
    mkdirSync(join(home, '.config', 'openstack'), { recursive: true });
    writeFileSync(join(home, '.config', 'openstack', 'clouds.yaml'), CLOUDS);
    const auth = resolveAuth({ template: {}, cwd: mkdtempSync(join(tmpdir(), 'bake-cwd-')), env: { HOME: home, OS_CLOUD: 'other' } });
    expect(auth.authUrl).toBe('https://other.example:5000');
  });

  it('names the file and the clouds it has when the cloud is unknown', () => {
    const dir = cloudsDir(CLOUDS);
    expect(() => resolveAuth({ template: {}, cloud: 'nope', cwd: dir, env: { HOME: dir } })).toThrow(
      `openstack: cloud "nope" is not in ${join(dir, 'clouds.yaml')} (it has: mycloud, other)`,
    );
  });

  it('reads the OS_* variables, template values winning over them', () => {
    const auth = resolveAuth({
      template: { region: 'Mine' },
      env: { OS_AUTH_URL: 'http://k:5000/v3', OS_USERNAME: 'bob', OS_PASSWORD: 'pw', OS_PROJECT_ID: 'p1', OS_REGION_NAME: 'Theirs', OS_INTERFACE: 'admin', OS_INSECURE: 'true' },
    });
    expect(auth).toMatchObject({ authUrl: 'http://k:5000/v3', username: 'bob', password: 'pw', projectId: 'p1', region: 'Mine', interface: 'admin', insecure: true });
  });

  it('builds the Keystone v3 request bodies', () => {
    expect(tokensUrl('http://k:5000')).toBe('http://k:5000/v3/auth/tokens');
    expect(tokensUrl('http://k:5000/v2.0/')).toBe('http://k:5000/v3/auth/tokens');
    expect(authBody({ authUrl: 'x', interface: 'public', username: 'u', password: 'p', projectName: 'pr' })).toEqual({
      auth: {
        identity: { methods: ['password'], password: { user: { name: 'u', domain: { name: 'Default' }, password: 'p' } } },
        scope: { project: { name: 'pr', domain: { name: 'Default' } } },
      },
    });
    expect(() => authBody({ authUrl: 'x', interface: 'public', username: 'u' })).toThrow(
      'openstack: password is required with username/user_id (or set OS_PASSWORD)',
    );
  });
});
