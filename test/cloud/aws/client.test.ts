import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeRegionsCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Ec2Clients, send } from '../../../src/cloud/aws/index.js';
import { isolateAws } from '../../fakes/ec2/aws-env.js';

let server: Server;
let endpoint: string;
const seen: { host?: string; body: string; auth?: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      seen.push({ host: req.headers.host, body, auth: req.headers.authorization });
      res.setHeader('content-type', 'text/xml');
      res.end('<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>r</requestId><regionInfo><item><regionName>local-1</regionName></item></regionInfo></DescribeRegionsResponse>');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  isolateAws();
  seen.length = 0;
});

describe('EC2 client factory', () => {
  it('sends every region to custom_endpoint_ec2, signed with the given keys', async () => {
    const clients = new Ec2Clients({ region: 'us-east-1', endpoint, accessKey: 'AKIDEXAMPLE', secretKey: 'secret' });
    for (const region of ['us-east-1', 'eu-west-1']) {
      const out = await send<{ Regions?: { RegionName?: string }[] }>(await clients.get(region), new DescribeRegionsCommand({}), { what: 'list regions' });
      expect(out.Regions).toEqual([{ RegionName: 'local-1' }]);
    }
    await clients.destroy();
    expect(seen.map((s) => s.host)).toEqual([endpoint.slice(7), endpoint.slice(7)]);
    expect(seen[0].body).toContain('Action=DescribeRegions');
    expect(seen.map((s) => s.auth?.match(/Credential=AKIDEXAMPLE\/\d+\/([a-z0-9-]+)\/ec2\//)?.[1])).toEqual(['us-east-1', 'eu-west-1']);
  });

  it('honours AWS_ENDPOINT_URL_EC2', async () => {
    process.env.AWS_ENDPOINT_URL_EC2 = endpoint;
    try {
      const clients = new Ec2Clients({ region: 'us-west-2' });
      await send(await clients.get(), new DescribeRegionsCommand({}), { what: 'list regions' });
      await clients.destroy();
      expect(seen).toHaveLength(1);
    } finally {
      delete process.env.AWS_ENDPOINT_URL_EC2;
    }
  });

  it('refuses a non-loopback host under BAKE_AWS_LOOPBACK_ONLY before anything leaves the process', async () => {
    delete process.env.AWS_ENDPOINT_URL;
    const clients = new Ec2Clients({ region: 'us-east-1', maxRetries: 0 });
    await expect(send(await clients.get(), new DescribeRegionsCommand({}), { what: 'list regions' })).rejects.toThrow(
      'refusing to send an AWS request to ec2.us-east-1.amazonaws.com: BAKE_AWS_LOOPBACK_ONLY=1 allows only loopback endpoints',
    );
    await clients.destroy();
  });

  it('says where it looked when there are no credentials', async () => {
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const clients = new Ec2Clients({ region: 'us-east-1', endpoint, maxRetries: 0 });
    await expect(send(await clients.get(), new DescribeRegionsCommand({}), { what: 'amazon-ebs: find source AMI in us-east-1' })).rejects.toThrow(
      'amazon-ebs: find source AMI in us-east-1: no AWS credentials found: set access_key/secret_key in the template, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, or a profile in the shared files',
    );
    await clients.destroy();
    expect(seen).toEqual([]);
  });
});

describe('retries: the SDK retries per max_retries, bake does not retry on top', () => {
  it('a lasting 503 is sent max_retries + 1 times, not (max_retries + 1) × bake attempts', async () => {
    let requests = 0;
    const busy = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        requests++;
        res.writeHead(503, { 'content-type': 'text/xml' });
        res.end('<Response><Errors><Error><Code>ServiceUnavailable</Code><Message>busy</Message></Error></Errors><RequestID>r</RequestID></Response>');
      });
    });
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(busy.address() as AddressInfo).port}`;
    const clients = new Ec2Clients({ region: 'us-east-1', endpoint: url, accessKey: 'AKIDEXAMPLE', secretKey: 'secret', maxRetries: 2 });
    try {
      await expect(send(await clients.get(), new DescribeRegionsCommand({}), { what: 'list regions' })).rejects.toThrow('list regions: ServiceUnavailable: busy');
      expect(requests).toBe(3);
    } finally {
      await clients.destroy();
      await new Promise<void>((r) => busy.close(() => r()));
    }
  });
});
