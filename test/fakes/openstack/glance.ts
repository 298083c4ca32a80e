import { empty, glanceError, json, type Reply, type Req } from './reply.js';
import type { FakeImage, FakeState } from './state.js';

function view(i: FakeImage) {
  return {
    id: i.id,
    name: i.name,
    status: i.status,
    visibility: i.visibility,
    owner: i.owner,
    tags: i.tags,
    created_at: i.created_at,
    updated_at: i.created_at,
    min_disk: i.min_disk,
    min_ram: 0,
    disk_format: i.disk_format,
    container_format: 'bare',
    size: i.status === 'active' ? 1073741824 : null,
    self: `/v2/images/${i.id}`,
    file: `/v2/images/${i.id}/file`,
    schema: '/v2/schemas/image',
    ...i.properties,
  };
}

const FIXED = new Set(['limit', 'marker', 'sort', 'sort_key', 'sort_dir', 'name', 'status', 'visibility', 'owner', 'tag', 'member_status']);

function list(state: FakeState, q: URLSearchParams): Reply {
  let images = [...state.images.values()];
  const name = q.get('name');
  if (name) images = images.filter((i) => i.name === name);
  const status = q.get('status');
  if (status) images = images.filter((i) => i.status === status);
  const visibility = q.get('visibility');
  if (visibility) images = images.filter((i) => i.visibility === visibility);
  const owner = q.get('owner');
  if (owner) images = images.filter((i) => i.owner === owner);
  for (const tag of q.getAll('tag')) images = images.filter((i) => i.tags.includes(tag));
  for (const [k, v] of q) if (!FIXED.has(k)) images = images.filter((i) => i.properties[k] === v);
  const sort = q.get('sort');
  if (sort?.startsWith('created_at')) {
    const desc = sort.endsWith(':desc');
    images.sort((a, b) => (desc ? -1 : 1) * a.created_at.localeCompare(b.created_at));
  }
  // Glance pages by marker (the last id seen) and answers a `next` link while more remain.
  const marker = q.get('marker');
  const from = marker ? images.findIndex((i) => i.id === marker) + 1 : 0;
  const size = Math.min(Number(q.get('limit') ?? 25), state.pageSize);
  const page = images.slice(from, from + size);
  const more = from + size < images.length;
  const next = new URLSearchParams(q);
  if (page.length) next.set('marker', page[page.length - 1].id);
  return json(200, { images: page.map(view), first: '/v2/images', schema: '/v2/schemas/images', ...(more ? { next: `/v2/images?${next}` } : {}) });
}

function patch(image: FakeImage, ops: { op: string; path: string; value: unknown }[]): Reply {
  for (const op of ops ?? []) {
    const key = op.path.replace(/^\//, '');
    if (key === 'visibility') {
      if (!['public', 'private', 'shared', 'community'].includes(String(op.value))) {
        return glanceError(400, 'Bad Request', `Invalid value '${String(op.value)}' for parameter 'visibility'`);
      }
      image.visibility = String(op.value);
    } else if (key === 'min_disk') image.min_disk = Number(op.value);
    else if (key === 'name') image.name = String(op.value);
    else image.properties[key] = String(op.value);
  }
  return json(200, view(image));
}

export function glance(state: FakeState, req: Req): Reply {
  const { method, path } = req;
  if (method === 'GET' && path === '/v2/images') return list(state, req.query);
  const m = path.match(/^\/v2\/images\/([^/]+)(?:\/(tags|members)(?:\/([^/]+))?)?$/);
  const image = m ? state.images.get(m[1]) : undefined;
  if (!m || !image) return glanceError(404, 'Not Found', `No image found with ID ${m?.[1] ?? path}`);
  const [, , sub, arg] = m;
  if (!sub && method === 'GET') {
    const shown = view(image);
    image.polls += 1;
    if (image.status === 'queued' && !state.faults.imageStuckQueued) image.status = 'saving';
    else if (image.status === 'saving') image.status = 'active';
    return json(200, shown);
  }
  if (!sub && method === 'DELETE') {
    state.images.delete(image.id);
    return empty(204);
  }
  if (!sub && method === 'PATCH') {
    if (req.headers['content-type'] !== 'application/openstack-images-v2.1-json-patch') {
      return glanceError(415, 'Unsupported Media Type', 'Request body content type is not supported');
    }
    return patch(image, req.body);
  }
  if (sub === 'tags' && arg && method === 'PUT') {
    if (!image.tags.includes(decodeURIComponent(arg))) image.tags.push(decodeURIComponent(arg));
    return empty(204);
  }
  if (sub === 'members' && !arg && method === 'POST') {
    if (image.visibility !== 'shared') return glanceError(403, 'Forbidden', `Only shared images have members.`);
    const member = { member_id: String(req.body?.member), status: 'pending' };
    image.members.push(member);
    return json(200, { ...member, image_id: image.id, schema: '/v2/schemas/member' });
  }
  if (sub === 'members' && arg && method === 'PUT') {
    const member = image.members.find((x) => x.member_id === arg);
    if (!member) return glanceError(404, 'Not Found', `${arg} not found in the member list of the image ${image.id}.`);
    member.status = String(req.body?.status);
    return json(200, { ...member, image_id: image.id });
  }
  return glanceError(405, 'Method Not Allowed', `The method ${method} is not allowed for this resource.`);
}
