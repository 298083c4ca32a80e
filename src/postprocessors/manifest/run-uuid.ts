import { randomUUID } from 'node:crypto';

/** One id per bake process, i.e. per run, shared by every build's manifest entry (Packer's packer_run_uuid). */
export const RUN_UUID = randomUUID();
