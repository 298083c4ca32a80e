import { json, neutronError, novaError, type Reply, type Req } from './reply.js';
import type { FakeState } from './state.js';

/** Query parameters that page a list rather than filter it. */
export const PAGING_PARAMS = new Set(['limit', 'marker', 'page_reverse']);

/**
 * One page of a Nova, Neutron or Cinder list as their API references show it: at most `limit`
 * items (and never more than the fake's small page size, as a cloud's max_limit caps a page even
 * when no limit is sent), after the item whose id is `marker` (an unknown marker is a 400), with a
 * `<key>_links` rel="next" link carrying the next marker. Nova and Cinder give that link whenever
 * a page is full, so the last page may come back empty; Neutron only while more items remain.
 */
export function pageOf<T>(
  state: FakeState,
  req: Req,
  o: { key: string; list: T[]; idOf: (item: T) => string; service: 'compute' | 'network' | 'volume'; prefix: string },
): Reply {
  const marker = req.query.get('marker');
  const from = marker ? o.list.findIndex((item) => o.idOf(item) === marker) + 1 : 0;
  if (marker && from === 0) {
    return o.service === 'network' ? neutronError(400, 'BadRequest', `Marker ${marker} could not be found.`) : novaError(400, `marker [${marker}] not found`);
  }
  const size = Math.min(Number(req.query.get('limit') ?? Infinity), state.pageSize);
  const items = o.list.slice(from, from + size);
  const full = items.length === size;
  const more = from + size < o.list.length;
  const body: Record<string, unknown> = { [o.key]: items };
  if (items.length && (o.service === 'network' ? more : full)) {
    const next = new URLSearchParams(req.query);
    next.set('limit', String(size));
    next.set('marker', o.idOf(items[items.length - 1]));
    body[`${o.key}_links`] = [{ rel: 'next', href: `${state.baseUrl}${o.prefix}${req.path}?${next}` }];
  }
  return json(200, body);
}
