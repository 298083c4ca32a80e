import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateEd25519KeyPair } from '../../../communicator/index.js';
import type { Step } from '../../../core/steps.js';
import type { ResolvedQemu } from '../resolve.js';
import { defaultMetaData, defaultUserData, makeIso } from '../seed-iso.js';
import type { OutputState, SeedState } from '../state.js';

/**
 * The NoCloud seed CD: bake's user-data (the SSH user with a temporary key, or the password), or the
 * template's user_data/meta_data, plus cd_files. The private key stays in memory; the CD lives in
 * the work directory, removed with it.
 */
export function seedStep(c: ResolvedQemu): Step<OutputState, SeedState> {
  return {
    name: 'seed',
    run: async (ctx, { workDir }) => {
      if (c.communicator === 'none' && c.userData === undefined && c.cdFiles.length === 0) return {};
      const temporary = c.communicator === 'ssh' && !c.sshPrivateKeyFile && !c.sshPassword && !c.ssh.ssh_agent_auth;
      const key = temporary ? generateEd25519KeyPair(`bake-${ctx.buildId}`) : undefined;
      const givenPub = c.sshPrivateKeyFile && existsSync(`${c.sshPrivateKeyFile}.pub`) ? readFileSync(`${c.sshPrivateKeyFile}.pub`, 'utf8').trim() : undefined;
      const seed = {
        username: c.sshUsername,
        publicKey: key?.publicKey ?? givenPub,
        password: c.sshPassword,
        hostname: 'bake',
        instanceId: ctx.buildId,
      };
      if (c.userData !== undefined && key) {
        ctx.log.warn('qemu: user_data replaces bake\'s cloud-init user-data, so the temporary SSH key is not installed; the template\'s user_data must let ssh_username in');
      }
      const names = new Set(c.cdFiles.map((p) => p.split('/').pop()));
      const files: Record<string, string> = {};
      if (!names.has('user-data')) files['user-data'] = c.userData ?? defaultUserData(seed);
      if (!names.has('meta-data')) files['meta-data'] = c.metaData ?? defaultMetaData(seed);
      const iso = join(workDir, 'seed.iso');
      ctx.log.say(key ? 'Creating a temporary SSH key and a cloud-init seed CD' : 'Creating the cloud-init seed CD');
      await makeIso(iso, c.cdLabel, files, c.cdFiles, ctx.signal);
      return { seedIso: iso, ...(key ? { privateKey: key.privateKey } : {}) };
    },
  };
}
