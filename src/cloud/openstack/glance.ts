import type { Session } from './session.js';

export interface Image {
  id: string;
  name: string;
  status: string;
  visibility?: string;
  owner?: string;
  tags?: string[];
  created_at?: string;
  min_disk?: number;
  size?: number | null;
  disk_format?: string | null;
  [property: string]: unknown;
}

export type ImageQuery = Record<string, string | string[] | undefined>;

function queryString(q: ImageQuery): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
  }
  const s = params.toString();
  return s ? `?${s}` : '';
}

export const glance = {
  /** All images matching the query, following Glance's `next` links. */
  async listImages(s: Session, query: ImageQuery, signal?: AbortSignal): Promise<Image[]> {
    const out: Image[] = [];
    let path: string | undefined = `/v2/images${queryString({ limit: '100', ...query })}`;
    while (path) {
      const page: { images: Image[]; next?: string } = await s.get('image', path, { what: 'list images', signal });
      out.push(...page.images);
      path = page.next && page.images.length > 0 ? page.next : undefined;
    }
    return out;
  },

  async getImage(s: Session, id: string, signal?: AbortSignal): Promise<Image | undefined> {
    return s.call<Image>('image', 'GET', `/v2/images/${id}`, { what: `get image ${id}`, allow404: true, signal });
  },

  async deleteImage(s: Session, id: string, signal?: AbortSignal): Promise<void> {
    await s.call('image', 'DELETE', `/v2/images/${id}`, { what: `delete image ${id}`, allow404: true, signal });
  },

  /** JSON-patch "replace" of top-level fields (visibility, min_disk, properties). */
  async updateImage(s: Session, id: string, fields: Record<string, unknown>, signal?: AbortSignal): Promise<void> {
    const patch = Object.entries(fields).map(([k, v]) => ({ op: 'replace', path: `/${k}`, value: v }));
    await s.call('image', 'PATCH', `/v2/images/${id}`, {
      what: `update image ${id}`,
      headers: { 'Content-Type': 'application/openstack-images-v2.1-json-patch' },
      body: patch,
      signal,
    });
  },

  async addTag(s: Session, id: string, tag: string, signal?: AbortSignal): Promise<void> {
    await s.call('image', 'PUT', `/v2/images/${id}/tags/${encodeURIComponent(tag)}`, { what: `tag image ${id} with "${tag}"`, signal });
  },

  async addMember(s: Session, id: string, member: string, signal?: AbortSignal): Promise<void> {
    await s.call('image', 'POST', `/v2/images/${id}/members`, { what: `share image ${id} with ${member}`, body: { member }, signal });
  },

  async acceptMember(s: Session, id: string, member: string, signal?: AbortSignal): Promise<void> {
    await s.call('image', 'PUT', `/v2/images/${id}/members/${member}`, { what: `accept image ${id} for ${member}`, body: { status: 'accepted' }, signal });
  },
};
