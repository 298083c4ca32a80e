/** A handler's answer; bodies are shaped as the API reference shows them. */
export interface Reply {
  status: number;
  body?: unknown;
  text?: string;
  headers?: Record<string, string>;
}

export interface Req {
  method: string;
  /** Path below the service prefix, e.g. "/servers/abc/action". */
  path: string;
  query: URLSearchParams;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

export const json = (status: number, body: unknown): Reply => ({ status, body });
export const empty = (status = 204): Reply => ({ status });

/** Nova's error envelope: {"itemNotFound": {"code": 404, "message": "..."}}. */
export function novaError(status: number, message: string): Reply {
  const key = { 400: 'badRequest', 403: 'forbidden', 404: 'itemNotFound', 409: 'conflictingRequest' }[status] ?? 'computeFault';
  return json(status, { [key]: { code: status, message } });
}

/** Neutron's: {"NeutronError": {"type", "message", "detail"}}. */
export function neutronError(status: number, type: string, message: string): Reply {
  return json(status, { NeutronError: { type, message, detail: '' } });
}

/** Glance answers errors as a small HTML page. */
export function glanceError(status: number, title: string, message: string): Reply {
  return {
    status,
    text: `<html>\n <head>\n  <title>${status} ${title}</title>\n </head>\n <body>\n  <h1>${status} ${title}</h1>\n  ${message}<br /><br />\n\n\n </body>\n</html>`,
    headers: { 'Content-Type': 'text/html; charset=UTF-8' },
  };
}

/** Cinder's: {"badRequest": {"message", "code"}} like Nova. */
export const cinderError = novaError;
