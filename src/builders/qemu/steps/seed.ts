import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateEd25519KeyPair, writeDebugKey } from '../../../communicator/index.js';
import type { Step } from '../../../core/steps.js';
import type { ResolvedQemu } from '../resolve.js';
import { defaultMetaData, defaultUserData, HOST_KEY_FILE, makeIso } from '../seed-iso.js';
import type { OutputState, SeedState } from '../state.js';

/**
 * The build's CD: on cloud-image builds bake's NoCloud seed (the SSH user with a temporary key, or
 * the password; or the template's user_data/meta_data), plus cd_files and cd_content. Installer
 * builds bring their own seed (http_directory, cd_files), as with Packer; the temporary key is then
 * offered to them as {{ .SSHPublicKey }}. The private key stays in memory; the CD lives in the work
 * directory, removed with it. With bake's own user-data the guest also gets a fresh host key
 * (copied from the CD at boot), the only one SSH then accepts; the shutdown step removes it again.
 */
export function seedStep(c: ResolvedQemu): Step<OutputState, SeedState> {
  return {
    name: 'seed',
    run: async (ctx, { workDir }) => {
      const extra = c.cdFiles.length > 0 || Object.keys(c.cdContent).length > 0;
      const temporary = c.communicator === 'ssh' && !c.sshPrivateKeyFile && !c.sshPassword && !c.ssh.ssh_agent_auth;
      if (!extra && (c.communicator === 'none' ? c.userData === undefined : !c.cloudInitSeed && !temporary)) return {};
      const key = temporary ? generateEd25519KeyPair(`bake-${ctx.buildId}`) : undefined;
      if (key) writeDebugKey(ctx, 'qemu', key.privateKey);
      const keys = key ? { privateKey: key.privateKey, publicKey: key.publicKey } : {};
      if (!c.cloudInitSeed && !extra) return keys;
      const givenPub = c.sshPrivateKeyFile && existsSync(`${c.sshPrivateKeyFile}.pub`) ? readFileSync(`${c.sshPrivateKeyFile}.pub`, 'utf8').trim() : undefined;
      const hostKey = c.pinHostKey ? generateEd25519KeyPair(`bake-host-${ctx.buildId}`) : undefined;
      const seed = {
        ...(hostKey ? { hostKey, cdLabel: c.cdLabel } : {}),
        username: c.sshUsername,
        publicKey: key?.publicKey ?? givenPub,
        password: c.sshPassword,
        hostname: 'bake',
        instanceId: ctx.buildId,
      };
      if (c.userData !== undefined && key) {
        ctx.log.warn('qemu: user_data replaces bake\'s cloud-init user-data, so the temporary SSH key is not installed; the template\'s user_data must let ssh_username in');
      }
      const files: Record<string, string> = { ...c.cdContent };
      if (c.cloudInitSeed) {
        const names = new Set([...c.cdFiles.map((p) => p.split('/').pop()), ...Object.keys(c.cdContent)]);
        if (!names.has('user-data')) files['user-data'] = c.userData ?? defaultUserData(seed);
        if (!names.has('meta-data')) files['meta-data'] = c.metaData ?? defaultMetaData(seed);
        if (hostKey) {
          files[HOST_KEY_FILE] = hostKey.privateKey;
          files[`${HOST_KEY_FILE}.pub`] = `${hostKey.publicKey}\n`;
        }
      }
      const iso = join(workDir, 'seed.iso');
      const made = [key ? 'a temporary SSH key' : '', hostKey ? 'the guest\'s SSH host key' : ''].filter(Boolean);
      const seedWhat = made.length ? `${made.join(', ')} and the cloud-init seed CD` : 'the cloud-init seed CD';
      ctx.log.say(c.cloudInitSeed ? `Creating ${seedWhat}` : `Creating the CD from cd_files/cd_content (label ${c.cdLabel})`);
      await makeIso(iso, c.cdLabel, files, c.cdFiles, ctx.signal);
      return { seedIso: iso, ...keys, ...(hostKey ? { hostPublicKey: hostKey.publicKey } : {}) };
    },
  };
}
