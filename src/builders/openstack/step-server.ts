import { createOnce, GONE_AFTER, nova, type CreateServer, type Session } from '../../cloud/openstack/index.js';
import { BakeError, errorText, throwIfAborted } from '../../core/errors.js';
import type { Step } from '../../core/steps.js';
import { waitUntil } from '../../core/wait.js';
import type { ResolvedOpenstack } from './resolved.js';
import type { AuthState, KeyPairState, NetworkState, ServerState, SourceState, VolumeState } from './state.js';
import { userDataBase64 } from './user-data.js';

type Needs = AuthState & SourceState & NetworkState & KeyPairState & VolumeState;

async function waitActive(session: Session, id: string, config: ResolvedOpenstack, signal: AbortSignal): Promise<void> {
  await waitUntil(
    async () => {
      const s = await nova.getServer(session, id, signal);
      if (!s) throw new BakeError(`openstack: server ${id} disappeared while booting`);
      if (s.status === 'ERROR') {
        throw new BakeError(`openstack: server ${id} went into ERROR: ${s.fault?.message ?? 'Nova gave no fault message'}`);
      }
      return s.status === 'ACTIVE' ? true : undefined;
    },
    { what: `server ${id} to become ACTIVE`, maxWaitMs: config.timeouts.serverMs, signal, minDelayMs: 200 },
  );
}

/** Boots the source server (tagged bake:build-id in its metadata) and waits until it is ACTIVE. */
export function stepServer(config: ResolvedOpenstack): Step<Needs, ServerState> {
  let created: string | undefined;
  /** The name of a server whose launch never answered: cleanup looks for it. */
  let attempted: string | undefined;
  return {
    name: 'server',
    run: async (ctx, state) => {
      const { session, journalDetails, region } = state;
      const userData = await userDataBase64(config);
      const request: CreateServer = {
        name: config.instanceName ?? (config.image.name || `bake-${ctx.buildId}`),
        flavorRef: state.flavorId,
        networks: state.serverNetworks.length ? state.serverNetworks : 'auto',
        metadata: { ...config.instanceMetadata, 'bake:build-id': ctx.buildId },
        ...(state.volumeId
          ? { block_device_mapping_v2: [{ uuid: state.volumeId, source_type: 'volume', destination_type: 'volume', boot_index: 0, delete_on_termination: false }] }
          : { imageRef: state.sourceImageId }),
        ...(state.keyPairName ? { key_name: state.keyPairName } : {}),
        ...(config.securityGroups.length ? { security_groups: config.securityGroups.map((name) => ({ name })) } : {}),
        ...(userData ? { user_data: userData } : {}),
        ...(config.configDrive ? { config_drive: true } : {}),
        ...(config.availabilityZone ? { availability_zone: config.availabilityZone } : {}),
      };
      ctx.log.say('Launching server...');
      attempted = request.name;
      const signal = ctx.cleanupSignal(60_000);
      const id = await createOnce(
        () => nova.createServer(session, request, signal),
        () => nova.findOwnServer(session, request.name, ctx.buildId, signal),
        (found) => ctx.log.info(`Server ${found} was launched by a request whose answer was lost; using it`),
      );
      attempted = undefined;
      created = id;
      ctx.journal.created({ type: 'openstack:server', id, region, details: journalDetails });
      throwIfAborted(ctx.signal);
      ctx.log.info(`Server id: ${id}`);
      ctx.log.say('Waiting for server to become ready...');
      await waitActive(session, id, config, ctx.signal);
      return { serverId: id };
    },
    cleanup: async (ctx, { session, region, journalDetails }) => {
      if (!created && attempted) {
        created = await nova.findOwnServer(session, attempted, ctx.buildId, ctx.cleanupSignal(60_000));
        if (created) ctx.journal.created({ type: 'openstack:server', id: created, region, details: journalDetails });
      }
      attempted = undefined;
      if (!created) return;
      const id = created;
      ctx.log.say(`Terminating the source server: ${id}...`);
      const signal = ctx.cleanupSignal(config.timeouts.deleteMs + 60_000);
      try {
        await nova.deleteServer(session, id, config.forceDelete, signal);
        let missing = 0;
        // One 404 may be a read that has not caught up; a few in a row mean the server is gone.
        await waitUntil(async () => ((await nova.getServer(session, id, signal)) ? (missing = 0, undefined) : ++missing >= GONE_AFTER || undefined), {
          what: `server ${id} to be deleted`,
          maxWaitMs: config.timeouts.deleteMs,
          signal,
          minDelayMs: 200,
        });
      } catch (err) {
        throw new BakeError(`${errorText(err)}; remove it with: openstack server delete ${id}`);
      }
      ctx.journal.removed({ type: 'openstack:server', id, region });
      created = undefined;
    },
  };
}
