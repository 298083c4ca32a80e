export interface Moto {
  /** http://127.0.0.1:PORT: custom_endpoint_ec2 / AWS_ENDPOINT_URL for every region. */
  url: string;
  port: number;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export function motoServerPath(): string | undefined;
export function motoVersion(): string | undefined;
export function startMoto(bin?: string): Promise<Moto>;
export const ACCEPT_OFFERED_KEY: string[];
