import type { AutoScalingClient } from '@aws-sdk/client-auto-scaling';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { Ec2Clients, awsError, endpointOf, isTransient, retriedBySdk, unparsedError, unparsedResponse, type AwsAccess } from '../cloud/aws/index.js';
import { sleep } from '../core/wait.js';
import { AsgClients } from './asg-client.js';

/** The two AWS services a rollout talks to, per region, plus the signal every call honours. */
export class RolloutClients {
  private readonly ec2s: Ec2Clients;
  private readonly asgs: AsgClients;

  constructor(
    access: AwsAccess & { asgEndpoint?: string },
    readonly signal: AbortSignal,
  ) {
    this.ec2s = new Ec2Clients(access);
    this.asgs = new AsgClients(access);
  }

  ec2(region: string): Promise<EC2Client> {
    return this.ec2s.get(region);
  }

  asg(region: string): Promise<AutoScalingClient> {
    return this.asgs.get(region);
  }

  async destroy(): Promise<void> {
    await this.ec2s.destroy();
    await this.asgs.destroy();
  }
}

interface Sender {
  send(command: never, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}

/**
 * Sends one EC2 or Auto Scaling command, retrying throttling, 5xx and dropped connections that the
 * SDK's own retry strategy has not already retried (a create sent through here carries an idempotency token).
 * Errors become one line: "<what>: <Code>: <message>".
 */
export async function call<O>(client: EC2Client | AutoScalingClient, command: unknown, what: string, signal?: AbortSignal): Promise<O> {
  let delay = 200;
  for (let attempt = 1; ; attempt++) {
    try {
      return (await (client as unknown as Sender).send(command as never, { abortSignal: signal })) as O;
    } catch (err) {
      if (!isTransient(err) || retriedBySdk(err) || attempt >= 8 || signal?.aborted) {
        const raw = unparsedResponse(err);
        throw raw ? unparsedError(what, await endpointOf(client), raw, err) : awsError(what, err);
      }
      await sleep(delay / 2 + Math.random() * delay, signal);
      delay = Math.min(delay * 2, 5000);
    }
  }
}

/** A list call followed through every NextToken page (AWS pages lists; what matters may be on any page). */
export async function callAll<O extends { NextToken?: string }, T>(
  client: EC2Client | AutoScalingClient,
  command: (token: string | undefined) => unknown,
  items: (page: O) => T[] | undefined,
  what: string,
  signal?: AbortSignal,
): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await call<O>(client, command(token), what, signal);
    all.push(...(items(page) ?? []));
    token = page.NextToken;
  } while (token);
  return all;
}
