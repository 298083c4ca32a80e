import type { ServiceKind } from './catalog.js';
import type { Session } from './session.js';

interface Link {
  rel?: string;
  href?: string;
}

/**
 * Every item of a Nova, Neutron or Cinder list, following the `<key>_links` rel="next" link of each
 * page (Nova pages at its max_limit even when no `limit` is sent). Only the link's `marker` is
 * taken, and the same path is asked again with it, as openstacksdk does: the link's host is often
 * an internal name the client cannot reach behind a proxy.
 */
export async function listAll<T>(
  s: Session,
  kind: ServiceKind,
  path: string,
  key: string,
  o: { what: string; headers?: Record<string, string>; signal?: AbortSignal },
): Promise<T[]> {
  const [base, query = ''] = path.split('?');
  const all: T[] = [];
  let marker: string | undefined;
  for (;;) {
    const params = new URLSearchParams(query);
    if (marker) params.set('marker', marker);
    const qs = params.toString();
    const page = await s.get<Record<string, unknown>>(kind, qs ? `${base}?${qs}` : base, o);
    const items = (page[key] ?? []) as T[];
    all.push(...items);
    const next = ((page[`${key}_links`] ?? []) as Link[]).find((l) => l.rel === 'next')?.href;
    const nextMarker = next ? new URL(next, 'http://link.invalid').searchParams.get('marker') ?? undefined : undefined;
    // An empty page or a marker that does not move would loop for ever.
    if (!nextMarker || items.length === 0 || nextMarker === marker) return all;
    marker = nextMarker;
  }
}
