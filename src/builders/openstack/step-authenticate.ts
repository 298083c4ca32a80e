import { resolveAuth, Session, type Transport } from '../../cloud/openstack/index.js';
import type { Step } from '../../core/steps.js';
import type { ResolvedOpenstack } from './resolved.js';
import type { AuthState } from './state.js';

export function stepAuthenticate(config: ResolvedOpenstack, transport?: Transport): Step<object, AuthState> {
  return {
    name: 'authenticate',
    run: async (ctx) => {
      const auth = resolveAuth(config.auth);
      const session = new Session(auth, transport);
      const token = await session.login(ctx.signal);
      ctx.log.say(`Authenticated to ${auth.authUrl}${auth.cloud ? ` (cloud ${auth.cloud})` : ''} as project ${token.projectName ?? token.projectId ?? '(unscoped)'}`);
      const journalDetails: Record<string, string> = { auth_url: auth.authUrl };
      if (token.projectId) journalDetails.project = token.projectId;
      if (auth.cloud) journalDetails.cloud = auth.cloud;
      return { session, journalDetails, region: auth.region };
    },
  };
}
