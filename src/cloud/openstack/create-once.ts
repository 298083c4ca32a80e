import { isAmbiguous } from './session.js';

/**
 * A create that OpenStack gives no idempotency token for (key pair, server, floating IP, server
 * snapshot). When it fails, the resource is looked for by the name or tag that marks it as this
 * build's: found, it is used (the answer was lost after the work was done); not found after a
 * dropped connection or a 5xx, the request did nothing and is sent once more.
 */
export async function createOnce<T>(create: () => Promise<T>, find: () => Promise<T | undefined>, onFound: (found: T) => void): Promise<T> {
  try {
    return await create();
  } catch (err) {
    const found = await find().catch(() => undefined);
    if (found !== undefined) {
      onFound(found);
      return found;
    }
    if (!isAmbiguous(err)) throw err;
    return create();
  }
}
