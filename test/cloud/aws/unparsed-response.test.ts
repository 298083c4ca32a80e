import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeImagesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { afterEach, describe, expect, it } from 'vitest';
import { send } from '../../../src/cloud/aws/index.js';

// A real SDK client against a loopback server that answers what an emulator or a proxy might.
let server: Server | undefined;
afterEach(() => server?.close());

async function answering(status: number, contentType: string, body: string): Promise<EC2Client> {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': contentType });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return new EC2Client({ region: 'us-east-1', endpoint, credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'secret' }, maxAttempts: 1 });
}

const failure = (p: Promise<unknown>) => p.then(() => 'resolved', (e: Error) => e.message);
const url = () => `http://127.0.0.1:${(server!.address() as AddressInfo).port}`;

describe('answers that are not AWS responses', () => {
  it('an HTML 500 page: status, endpoint, content type and the page\'s first line of text', async () => {
    const client = await answering(500, 'text/html; charset=utf-8', '<!doctype html>\n<html lang=en>\n<title>500 Internal Server Error</title>\n<h1>Internal Server Error</h1>\n');
    expect(await failure(send(client, new DescribeImagesCommand({}), { what: 'amazon-ebs: find the source AMI' }))).toBe(`amazon-ebs: find the source AMI: ${url()} answered HTTP 500 that is not an AWS response (text/html): "500 Internal Server Error"`);
  });

  it('a 200 with a proxy\'s login page (not well-formed, as most), and an empty 502', async () => {
    let client = await answering(200, 'text/html', '<html><body>\n\n  Please sign in to the corporate proxy<br>\n</body></html>');
    expect(await failure(send(client, new DescribeImagesCommand({}), { what: 'list images' }))).toBe(`list images: ${url()} answered HTTP 200 that is not an AWS response (text/html): "Please sign in to the corporate proxy"`);
    server!.close();
    client = await answering(502, 'text/plain', '');
    const err = (await send(client, new DescribeImagesCommand({}), { what: 'list images' }).catch((e: Error) => e)) as Error;
    expect(err.message).not.toMatch(/XML|Deserialization/);
    expect(err.message.split('\n')).toHaveLength(1);
  });

  it('a real EC2 error keeps its code and message', async () => {
    const client = await answering(400, 'text/xml', '<Response><Errors><Error><Code>InvalidAMIID.NotFound</Code><Message>The image id does not exist</Message></Error></Errors><RequestID>r-1</RequestID></Response>');
    expect(await failure(send(client, new DescribeImagesCommand({}), { what: 'list images' }))).toBe('list images: InvalidAMIID.NotFound: The image id does not exist');
  });
});
