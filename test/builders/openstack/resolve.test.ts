import { describe, expect, it } from 'vitest';
import { plugin, resolveOpenstack, type OpenstackConfig } from '../../../src/builders/openstack/index.js';

const env = { file: 't.json', path: 'builders[0]', templateDir: '/tpl' };
const base = { flavor: 'm1.small', image_name: 'img', source_image: 'abc', ssh_username: 'debian' } as OpenstackConfig;
const resolve = (extra: Partial<OpenstackConfig>) => resolveOpenstack({ ...base, ...extra } as OpenstackConfig, env);

describe('resolveOpenstack', () => {
  it("maps Packer's names onto auth settings, domain_name applying to user and project", () => {
    const r = resolve({ identity_endpoint: 'https://k:5000/v3', username: 'u', password: 'p', tenant_id: 't', domain_name: 'Corp', endpoint_type: 'internalURL', insecure: true });
    expect(r.auth.template).toMatchObject({ authUrl: 'https://k:5000/v3', username: 'u', password: 'p', projectId: 't', userDomainName: 'Corp', projectDomainName: 'Corp', interface: 'internal', insecure: true });
  });

  it('builds a Glance query from source_image_filter', () => {
    const r = resolve({ source_image: undefined, source_image_filter: { filters: { name: 'deb', tags: ['a', 'b'], owner: 'o', properties: { os_distro: 'debian' } }, most_recent: true } });
    expect(r.source).toEqual({ kind: 'filter', query: { name: 'deb', owner: 'o', tag: ['a', 'b'], os_distro: 'debian' }, mostRecent: true, text: 'name=deb owner=o tag=a,b os_distro=debian' });
  });

  it('shares the image when members are given without a visibility', () => {
    expect(resolve({ image_members: ['p2'] }).image.visibility).toBe('shared');
    expect(resolve({ image_members: ['p2'], image_visibility: 'community' }).image.visibility).toBe('community');
  });

  it('accepts floating_ip_pool as the old name of floating_ip_network', () => {
    expect(resolve({ floating_ip_pool: 'ext' }).floatingIpNetwork).toBe('ext');
  });

  it('refuses contradictory or missing settings with the JSON path', () => {
    expect(() => resolve({ source_image: undefined })).toThrow('t.json: builders[0]: one of source_image, source_image_name or source_image_filter is required');
    expect(() => resolve({ source_image_name: 'x' })).toThrow('t.json: builders[0]: give only one of source_image, source_image_name');
    expect(() => resolve({ image_name: undefined })).toThrow('t.json: builders[0].image_name: required (or set skip_create_image)');
    expect(() => resolve({ ssh_username: undefined })).toThrow('t.json: builders[0].ssh_username: required to connect over SSH (or set "communicator": "none")');
    expect(() => resolve({ ssh_username: undefined, communicator: 'none' })).not.toThrow();
    expect(() => resolve({ user_data: 'a', user_data_file: 'b' })).toThrow('t.json: builders[0]: give only one of user_data, user_data_file');
    expect(() => resolve({ ssh_keypair_name: 'k' })).toThrow(
      't.json: builders[0].ssh_keypair_name: needs ssh_private_key_file or ssh_agent_auth (the private key of that key pair)',
    );
    expect(() => resolve({ source_image: undefined, source_image_filter: { filters: {} } })).toThrow(
      't.json: builders[0].source_image_filter.filters: give at least one of name, owner, tags, visibility, properties',
    );
  });

  it('marks secrets sensitive and knows the Packer options it does not implement', () => {
    expect(plugin.sensitive).toEqual(expect.arrayContaining(['password', 'token', 'application_credential_secret', 'ssh_password']));
    expect(plugin.unsupported?.external_source_image_url.effect).toBe('error');
    expect(plugin.unsupported?.ssh_keypair_name).toBeUndefined();
    expect(Object.keys((plugin.schema as { properties: object }).properties)).toEqual(expect.arrayContaining(['ssh_keypair_name', 'reuse_ips', 'image_auto_accept_members']));
  });
});
