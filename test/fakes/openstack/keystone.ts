import { json, type Reply, type Req } from './reply.js';
import { newId, type FakeState } from './state.js';

const unauthorized = (): Reply =>
  json(401, { error: { code: 401, message: 'The request you have made requires authentication.', title: 'Unauthorized' } });

/** POST /v3/auth/tokens with password, application_credential or token methods. */
export function keystone(state: FakeState, req: Req, base: string): Reply {
  if (req.method !== 'POST' || req.path !== '/v3/auth/tokens') return json(404, { error: { code: 404, message: 'Not found', title: 'Not Found' } });
  const c = state.credentials;
  const identity = req.body?.auth?.identity ?? {};
  const method = identity.methods?.[0];
  if (method === 'password') {
    const user = identity.password?.user ?? {};
    const nameOk = user.id ? user.id === c.userId : user.name === c.user && (user.domain?.name === c.domain || user.domain?.id === 'default');
    if (!nameOk || user.password !== c.password) return unauthorized();
    const project = req.body.auth.scope?.project;
    if (project && project.id !== c.projectId && project.name !== c.project) {
      return json(401, { error: { code: 401, message: `No project ${project.name ?? project.id} for this user.`, title: 'Unauthorized' } });
    }
  } else if (method === 'application_credential') {
    const ac = identity.application_credential ?? {};
    if (ac.id !== c.appCredentialId || ac.secret !== c.appCredentialSecret) return unauthorized();
    if (req.body.auth.scope) return json(401, { error: { code: 401, message: 'Application credentials cannot request a scope.', title: 'Unauthorized' } });
  } else if (method === 'token') {
    if (!state.tokens.has(identity.token?.id)) return unauthorized();
  } else {
    return json(400, { error: { code: 400, message: `Unsupported auth method ${String(method)}`, title: 'Bad Request' } });
  }
  const id = newId('tok');
  state.tokens.add(id);
  const endpoint = (type: string, path: string) => ({
    type,
    name: type,
    endpoints: ['public', 'internal', 'admin'].map((iface) => ({ id: newId('ep'), interface: iface, region: 'RegionOne', region_id: 'RegionOne', url: `${base}${path}` })),
  });
  return {
    status: 201,
    headers: { 'X-Subject-Token': id },
    body: {
      token: {
        methods: [method],
        expires_at: new Date(Date.now() + 3_600_000).toISOString(),
        user: { id: c.userId, name: c.user, domain: { id: 'default', name: c.domain } },
        project: { id: c.projectId, name: c.project, domain: { id: 'default', name: c.domain } },
        catalog: [
          endpoint('identity', '/identity'),
          endpoint('compute', '/compute/v2.1'),
          endpoint('image', '/image'),
          endpoint('network', '/network'),
          endpoint('block-storage', `/volume/v3/${c.projectId}`),
        ],
      },
    },
  };
}
