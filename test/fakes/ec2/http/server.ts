import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeEc2 } from '../fake-ec2.js';
import { HANDLERS_BY_ACTION } from '../handlers.js';
import { type Emulation, emulate } from './emulator.js';
import { parseQuery } from './query.js';
import { errorXml, responseXml } from './xml.js';

export interface Ec2Server {
  fake: FakeEc2;
  /** http://127.0.0.1:PORT — one endpoint for every region, as emulators serve it. */
  url: string;
  close(): Promise<void>;
}

/**
 * The stateful fake behind a real EC2 Query-protocol endpoint on loopback, so a `bake` child
 * process reaches it through `custom_endpoint_ec2` like any EC2-compatible service. The region is
 * read from the request's SigV4 credential scope. `emulation` makes it answer as moto does.
 */
export async function startEc2Server(fake = new FakeEc2(), emulation?: Emulation): Promise<Ec2Server> {
  let requests = 0;
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const requestId = `req-${++requests}`;
      const region = /Credential=[^/]+\/\d+\/([^/]+)\/ec2\//.exec(req.headers.authorization ?? '')?.[1] ?? 'us-east-1';
      const { action, input } = parseQuery(body);
      const emulated = emulate(emulation, action, input);
      if (emulated) {
        fake.record(action, region, input);
        res.writeHead(emulated.status, { 'content-type': emulated.contentType });
        res.end(emulated.body);
        return;
      }
      res.setHeader('content-type', 'text/xml;charset=UTF-8');
      try {
        const handler = HANDLERS_BY_ACTION[action];
        if (!handler) throw Object.assign(new Error(`The action ${action} is not valid for this web service.`), { Code: 'InvalidAction' });
        const output = fake.handle(action, region, input, () => handler(fake, region, input)) as Record<string, unknown>;
        res.end(responseXml(action, output, requestId));
      } catch (err) {
        const e = err as { Code?: string; code?: string; message: string; $metadata?: { httpStatusCode?: number } };
        // A dropped connection: the client sees a reset socket, not an answer.
        if (e.code === 'ECONNRESET') return void res.socket?.destroy();
        res.statusCode = e.Code === 'RequestLimitExceeded' ? 503 : e.$metadata?.httpStatusCode ?? 400;
        res.end(errorXml(e.Code ?? 'InternalError', e.message, requestId));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    fake,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
