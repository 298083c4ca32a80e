import { BakeError } from '../../core/errors.js';

/** What the SDK keeps of a response its XML/JSON parser could not read (smithy's hidden `$response`). */
interface RawResponse {
  statusCode?: number;
  headers?: Record<string, string>;
  body?: unknown;
}

const MAX_LINE = 160;

/**
 * A response that was not an AWS answer at all: an emulator's HTML error page, a proxy's login
 * page. The SDK reports only its parser's complaint ("mismatched tags <html> and </title>"); the
 * status code, the endpoint and the body's first line say what happened.
 */
export function unparsedResponse(err: unknown): { status?: number; contentType?: string; firstLine: string } | undefined {
  if (!err || typeof err !== 'object') return undefined;
  const e = err as { $response?: RawResponse; $responseBodyText?: unknown; message?: unknown };
  const raw = e.$response;
  // The parser's own failure: it keeps the body text, and smithy appends its "Deserialization error" hint.
  const unread = typeof e.$responseBodyText === 'string' || (typeof e.message === 'string' && e.message.includes('Deserialization error'));
  if (!raw || typeof raw !== 'object' || !unread) return undefined;
  const body = typeof e.$responseBodyText === 'string' ? e.$responseBodyText : typeof raw.body === 'string' ? raw.body : '';
  return { status: raw.statusCode, contentType: raw.headers?.['content-type'], firstLine: firstLine(body) };
}

/** The first line of text in the body, tags stripped: "500 Internal Server Error" of an HTML page. */
function firstLine(body: string): string {
  const text = body.replace(/<[^>]*>/g, '\n');
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  return line.length > MAX_LINE ? `${line.slice(0, MAX_LINE - 3)}...` : line;
}

/** Where a client sends its requests, for the message: the custom endpoint, or AWS's regional one. */
export async function endpointOf(client: unknown): Promise<string> {
  type Config = { serviceId?: string; endpoint?: () => Promise<{ protocol?: string; hostname?: string; port?: number; path?: string }>; region?: () => Promise<string> };
  const config = (client as { config?: Config })?.config;
  // serviceId is "EC2" or "Auto Scaling": the host name's first label without the space.
  const service = (config?.serviceId ?? 'ec2').toLowerCase().replace(/\s+/g, '');
  try {
    const ep = await config?.endpoint?.();
    if (ep?.hostname) return `${ep.protocol ?? 'https:'}//${ep.hostname}${ep.port ? `:${ep.port}` : ''}${ep.path && ep.path !== '/' ? ep.path : ''}`;
    const region = await config?.region?.();
    if (region) return `https://${service}.${region}.amazonaws.com`;
  } catch {
    // No resolvable endpoint: the message simply omits it.
  }
  return 'the AWS endpoint';
}

export function unparsedError(what: string, endpoint: string, raw: NonNullable<ReturnType<typeof unparsedResponse>>, cause: unknown): BakeError {
  const status = raw.status === undefined ? 'an answer' : `HTTP ${raw.status}`;
  const type = raw.contentType ? ` (${raw.contentType.split(';')[0]})` : '';
  const body = raw.firstLine ? `: ${JSON.stringify(raw.firstLine)}` : ' with an empty body';
  return new BakeError(`${what}: ${endpoint} answered ${status} that is not an AWS response${type}${body}`, { cause });
}
