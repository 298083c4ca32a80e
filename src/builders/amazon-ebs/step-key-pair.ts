import type { Step } from '../../core/steps.js';
import { generateEd25519KeyPair } from '../../communicator/keys.js';
import { writeDebugKey } from '../../communicator/debug-key.js';
import { accessDetails, awsCode, deleteKeyPair, findOwnKeyPair, send, tagSpecifications } from '../../cloud/aws/index.js';
import type { ResolvedEbs } from './resolved.js';
import type { Init, KeyState } from './state.js';
import { resourceTags } from './tagging.js';
import { removeOrSay } from '../../cloud/aws/remove-hint.js';

/**
 * The key pair the instance is launched with: ssh_keypair_name as given, or a temporary ed25519
 * key imported under a bake_<build id> name and deleted at the end. The private half stays in memory.
 */
export function keyPairStep(cfg: ResolvedEbs): Step<Init, KeyState> {
  let created: string | undefined;
  return {
    name: 'key-pair',
    async run(ctx, { clients }) {
      if (cfg.keyPairName) return { keyName: cfg.keyPairName };
      if (cfg.communicator === 'none' || cfg.ssh.ssh_private_key_file) return {};
      const { ImportKeyPairCommand } = await import('@aws-sdk/client-ec2');
      const name = cfg.tempKeyPairName || `bake_${ctx.buildId}`;
      const key = generateEd25519KeyPair(name);
      ctx.log.say(`Creating temporary key pair ${name}`);
      ctx.journal.created({ type: 'aws:key-pair', id: name, region: cfg.region, details: accessDetails(cfg.access) });
      created = name;
      const client = await clients.get();
      try {
        await send(
          client,
          new ImportKeyPairCommand({
            KeyName: name,
            PublicKeyMaterial: Buffer.from(key.publicKey),
            TagSpecifications: tagSpecifications(['key-pair'], resourceTags(ctx, cfg, { Name: name })),
          }),
          { what: `amazon-ebs: import key pair ${name}`, signal: ctx.signal, creates: true },
        );
      } catch (err) {
        // A retry after a lost answer meets the key the first try imported: this build's own (its
        // name and tag carry the build id, and the public half is the one in memory).
        const duplicate = awsCode((err as { cause?: unknown }).cause) === 'InvalidKeyPair.Duplicate';
        if (!duplicate || !(await findOwnKeyPair(client, name, ctx.buildId, ctx.signal))) throw err;
        ctx.log.info(`Key pair ${name} was imported by an earlier try whose answer was lost; using it`);
      }
      writeDebugKey(ctx, 'ec2', key.privateKey);
      return { keyName: name, privateKey: key.privateKey };
    },
    async cleanup(ctx, { clients }) {
      if (!created) return;
      ctx.log.say(`Deleting temporary key pair ${created}`);
      const name = created;
      await removeOrSay('aws:key-pair', name, cfg.region, async () => deleteKeyPair(await clients.get(), name, ctx.cleanupSignal()));
      ctx.journal.removed({ type: 'aws:key-pair', id: created, region: cfg.region });
      created = undefined;
    },
  };
}
