import { listAll } from './paged.js';
import type { Session } from './session.js';

export interface Volume {
  id: string;
  name?: string;
  status: string;
  size: number;
  metadata?: Record<string, string>;
}

export interface CreateVolume {
  name: string;
  size: number;
  imageRef: string;
  volume_type?: string;
  availability_zone?: string;
  metadata?: Record<string, string>;
}

/** Cinder's catalog URL already carries the project (…/v3/{project_id}), so paths start after it. */
export const cinder = {
  async createVolume(s: Session, volume: CreateVolume, signal?: AbortSignal): Promise<string> {
    const res = await s.call<{ volume: Volume }>('volume', 'POST', '/volumes', { what: 'create volume', body: { volume }, signal });
    return res!.volume.id;
  },

  async getVolume(s: Session, id: string, signal?: AbortSignal): Promise<Volume | undefined> {
    return (await s.call<{ volume: Volume }>('volume', 'GET', `/volumes/${id}`, { what: `get volume ${id}`, allow404: true, signal }))?.volume;
  },

  async listVolumes(s: Session, signal?: AbortSignal): Promise<Volume[]> {
    return listAll<Volume>(s, 'volume', '/volumes/detail', 'volumes', { what: 'list volumes', signal });
  },

  async deleteVolume(s: Session, id: string, signal?: AbortSignal): Promise<void> {
    await s.call('volume', 'DELETE', `/volumes/${id}`, { what: `delete volume ${id}`, allow404: true, signal });
  },

  /** Uploads the volume to Glance as a new image; `force` allows a volume still attached to a stopped server. */
  async uploadToImage(s: Session, id: string, imageName: string, diskFormat: string, signal?: AbortSignal): Promise<string> {
    const res = await s.call<{ 'os-volume_upload_image': { image_id: string } }>('volume', 'POST', `/volumes/${id}/action`, {
      what: `upload volume ${id} to an image`,
      body: { 'os-volume_upload_image': { image_name: imageName, disk_format: diskFormat, container_format: 'bare', force: true } },
      signal,
    });
    return res!['os-volume_upload_image'].image_id;
  },
};
