export type { Communicator, ExecOptions, ExecResult, TransferOptions } from './types.js';
