import { pageOf } from './paging.js';
import { cinderError, empty, json, type Reply, type Req } from './reply.js';
import { newId, type FakeState, type FakeVolume } from './state.js';

const view = (v: FakeVolume) => ({ id: v.id, name: v.name, size: v.size, status: v.status, volume_type: v.volumeType ?? '__DEFAULT__', metadata: v.metadata });

/** Paths below /volume/v3/{project_id}. */
export function cinder(state: FakeState, req: Req): Reply {
  const { method, path } = req;
  if (method === 'POST' && path === '/volumes') {
    const b = req.body?.volume ?? {};
    if (b.imageRef && !state.images.has(b.imageRef)) return cinderError(400, `Invalid image identifier or unable to access requested image.`);
    const volume: FakeVolume = { id: newId('vol'), name: b.name ?? '', size: Number(b.size), status: 'creating', polls: 0, imageRef: b.imageRef, volumeType: b.volume_type, metadata: b.metadata ?? {} };
    state.volumes.set(volume.id, volume);
    return json(202, { volume: view(volume) });
  }
  if (method === 'GET' && path === '/volumes/detail') {
    const list = [...state.volumes.values()].map(view);
    return pageOf(state, req, { key: 'volumes', list, idOf: (v) => v.id, service: 'volume', prefix: `/volume/v3/${state.credentials.projectId}` });
  }
  const m = path.match(/^\/volumes\/([^/]+)(\/action)?$/);
  const volume = m ? state.volumes.get(m[1]) : undefined;
  if (!m || !volume) return cinderError(404, `Volume ${m?.[1] ?? path} could not be found.`);
  if (!m[2] && method === 'GET') {
    const shown = view(volume);
    volume.polls += 1;
    if (volume.status === 'creating') volume.status = 'available';
    return json(200, { volume: shown });
  }
  if (!m[2] && method === 'DELETE') {
    if (volume.status !== 'available' && volume.status !== 'error') {
      return cinderError(400, `Invalid volume: Volume status must be available or error or error_restoring or error_extending or error_managing and must not be migrating, attached, belong to a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume transfer.`);
    }
    state.volumes.delete(volume.id);
    return empty(202);
  }
  const upload = req.body?.['os-volume_upload_image'];
  if (m[2] && method === 'POST' && upload) {
    if (volume.status === 'in-use' && !upload.force) return cinderError(400, `Invalid volume: Volume ${volume.id} status must be available, but current status is: in-use.`);
    const image = {
      id: newId('img'),
      name: upload.image_name,
      status: 'queued',
      polls: 0,
      visibility: 'private',
      owner: state.credentials.projectId,
      tags: [],
      created_at: new Date().toISOString(),
      min_disk: volume.size,
      disk_format: upload.disk_format ?? 'raw',
      members: [],
      properties: {},
    };
    state.images.set(image.id, image);
    return json(202, { 'os-volume_upload_image': { id: volume.id, image_id: image.id, image_name: image.name, disk_format: image.disk_format, container_format: 'bare', status: 'uploading' } });
  }
  return cinderError(400, `Unsupported ${method} ${path}`);
}
