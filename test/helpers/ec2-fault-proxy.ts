import { randomUUID } from 'node:crypto';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FaultInjector, type FaultKind } from '../fakes/faults.js';

/**
 * A loopback HTTP proxy between bake and an EC2 emulator (moto) that counts the EC2 calls going
 * through (Action, region from the signature's credential scope) and applies the injector's fault
 * to one of them, in EC2's own wire format:
 * - throttle: HTTP 503 RequestLimitExceeded, not forwarded
 * - server, outage: HTTP 503 Unavailable, not forwarded (an outage: every later call of that action and region too)
 * - reset: the connection is dropped before anything is forwarded
 * - lost: forwarded, so it takes effect; then the connection is dropped before the answer
 * Set `injector` before each run.
 */
export interface Ec2FaultProxy {
  url: string;
  injector: FaultInjector;
  /** Every AMI id the emulator answered a CreateImage or CopyImage with, lost answers too. */
  images: string[];
  close(): Promise<void>;
}

function ec2Error(res: ServerResponse, status: number, code: string, message: string): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>${randomUUID()}</RequestID></Response>`;
  res.writeHead(status, { 'Content-Type': 'text/xml;charset=UTF-8', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function startEc2FaultProxy(target: string): Promise<Ec2FaultProxy> {
  const proxy = { injector: new FaultInjector(), images: [] as string[] } as Ec2FaultProxy;
  const forward = (req: IncomingMessage, body: Buffer, onAnswer: (status: number, headers: IncomingMessage['headers'], answer: Buffer) => void, onError: (err: Error) => void) => {
    const up = request(`${target}${req.url}`, { method: req.method, headers: req.headers }, (r) => {
      void readBody(r).then((answer) => onAnswer(r.statusCode ?? 502, r.headers, answer), onError);
    });
    up.on('error', onError);
    up.end(body);
  };
  const server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const action = new URLSearchParams(body.toString()).get('Action') ?? new URL(req.url ?? '/', 'http://x').searchParams.get('Action') ?? `${req.method} ${req.url}`;
      const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const kind: FaultKind | undefined = proxy.injector.next(action, false, region);
      switch (kind) {
        case 'throttle':
          return ec2Error(res, 503, 'RequestLimitExceeded', 'Request limit exceeded.');
        case 'server':
        case 'outage':
          return ec2Error(res, 503, 'Unavailable', 'The service is unavailable. Please try again shortly.');
        case 'reset':
          return void req.socket.destroy();
        default:
          forward(
            req,
            body,
            (status, headers, answer) => {
              const made = /^(CreateImage|CopyImage)$/.test(action) && /<imageId>(ami-[^<]+)<\/imageId>/.exec(answer.toString());
              if (made) proxy.images.push(made[1]);
              // The call took effect in moto; the client never hears about it.
              if (kind === 'lost') return void req.socket.destroy();
              res.writeHead(status, headers);
              res.end(answer);
            },
            () => req.socket.destroy(),
          );
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  proxy.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return proxy;
}
