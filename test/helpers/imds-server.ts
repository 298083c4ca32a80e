import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ImdsServer {
  /** For AWS_EC2_METADATA_SERVICE_ENDPOINT: http://127.0.0.1:PORT */
  url: string;
  /** Paths asked for, in order, with whether they carried a valid token. */
  requests: { method: string; path: string; token: boolean }[];
  close(): Promise<void>;
}

/**
 * An instance metadata service on loopback that speaks IMDSv2 only, as an instance with
 * http_tokens "required" does: PUT /latest/api/token for a token, then GETs carrying it.
 */
export async function startImds(answers: Record<string, string>): Promise<ImdsServer> {
  const token = randomBytes(16).toString('hex');
  const requests: ImdsServer['requests'] = [];
  const server = createServer((req, res) => {
    const path = req.url ?? '';
    const valid = req.headers['x-aws-ec2-metadata-token'] === token;
    requests.push({ method: req.method ?? '', path, token: valid });
    if (req.method === 'PUT' && path === '/latest/api/token') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(token);
      return;
    }
    if (!valid) {
      res.writeHead(401).end();
      return;
    }
    const key = path.replace(/^\/latest\/meta-data\//, '');
    if (req.method === 'GET' && key in answers) res.writeHead(200, { 'content-type': 'text/plain' }).end(answers[key]);
    else res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((r) => server.close(() => r())) };
}
