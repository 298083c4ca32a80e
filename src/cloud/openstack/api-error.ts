import { BakeError } from '../../core/errors.js';
import type { HttpResponse } from './http.js';

/** An OpenStack API answered with an error status; `message` is the API's own text, on one line. */
export class OpenstackApiError extends BakeError {
  constructor(
    message: string,
    readonly status: number,
    readonly apiMessage: string,
  ) {
    super(message);
    this.name = 'OpenstackApiError';
  }
}

/**
 * The human part of an error body. Nova wraps it as {"badRequest": {"message"}}, Keystone as
 * {"error": {"message"}}, Neutron as {"NeutronError": {"message"}}, Glance often sends plain text
 * or an HTML page whose text is the message.
 */
export function apiMessage(res: HttpResponse): string {
  const text = res.text.trim();
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const found = findMessage(body);
    if (found) return oneLine(found);
  } catch {
    // not JSON: fall through to the text itself
  }
  const stripped = text.replace(/<title>[^<]*<\/title>/i, '').replace(/<[^>]+>/g, ' ');
  return oneLine(stripped) || `HTTP ${res.status}`;
}

function findMessage(body: Record<string, unknown>): string | undefined {
  if (typeof body.message === 'string') return body.message;
  for (const value of Object.values(body)) {
    if (value && typeof value === 'object' && typeof (value as { message?: unknown }).message === 'string') {
      return (value as { message: string }).message;
    }
  }
  return undefined;
}

function oneLine(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
