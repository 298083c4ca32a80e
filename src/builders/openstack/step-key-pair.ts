import { createOnce, nova } from '../../cloud/openstack/index.js';
import { generateEd25519KeyPair, writeDebugKey } from '../../communicator/index.js';
import { BakeError, errorText, throwIfAborted } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import type { ResolvedOpenstack } from './resolved.js';
import type { AuthState, KeyPairState } from './state.js';

/**
 * A temporary ed25519 key pair, unless the template names its own (ssh_keypair_name) or gives a
 * password. The public key is always sent: Nova ≥ 2.92 no longer generates key pairs.
 */
export function stepKeyPair(config: ResolvedOpenstack): Step<AuthState, KeyPairState> {
  let created: string | undefined;
  return {
    name: 'key pair',
    run: async (ctx, { session, journalDetails, region }) => {
      if (config.keypairName) return { keyPairName: config.keypairName };
      if (config.communicator === 'none' || config.ssh.ssh_private_key_file || config.ssh.ssh_agent_auth) return {};
      if (config.ssh.ssh_password && !config.ssh.ssh_private_key_file) return {};
      const name = config.temporaryKeyPairName ?? `bake_${ctx.buildId}`;
      const keys = generateEd25519KeyPair(name);
      ctx.log.say(`Creating temporary key pair ${name}...`);
      // Not the build's signal: an abort mid-request could leave a key pair we never heard of.
      const signal = ctx.cleanupSignal(60_000);
      // The key is ours when Nova holds our public half under that name.
      await createOnce(
        () => nova.createKeyPair(session, name, keys.publicKey, signal).then(() => true),
        async () => ((await nova.keyPairPublicKey(session, name, signal))?.trim() === keys.publicKey.trim() ? true : undefined),
        () => ctx.log.info(`Key pair ${name} was created by a request whose answer was lost; using it`),
      );
      created = name;
      ctx.journal.created({ type: 'openstack:key-pair', id: name, region, details: journalDetails });
      writeDebugKey(ctx, 'os', keys.privateKey);
      throwIfAborted(ctx.signal);
      return { keyPairName: name, privateKey: keys.privateKey, publicKey: keys.publicKey };
    },
    cleanup: async (ctx, { session, region }) => {
      if (!created) return;
      ctx.log.say(`Deleting temporary key pair ${created}...`);
      try {
        await nova.deleteKeyPair(session, created, ctx.cleanupSignal());
      } catch (err) {
        throw new BakeError(`${errorText(err)}; remove it with: openstack keypair delete ${created}`);
      }
      ctx.journal.removed({ type: 'openstack:key-pair', id: created, region });
      created = undefined;
    },
  };
}
