export interface DataSourceContext {
  signal: AbortSignal;
  templateDir: string;
}

export interface DataSourcePlugin {
  /** e.g. "amazon-ami". */
  type: string;
  /** JSON Schema of the block's arguments. */
  schema: object;
  /** Attribute names produced. */
  outputs: readonly string[];
  /**
   * Outputs holding secrets (a Secrets Manager value): the reader marks them sensitive, so their
   * values are redacted everywhere, as a sensitive variable's are.
   */
  sensitiveOutputs?: readonly string[];
  read(config: Record<string, unknown>, ctx: DataSourceContext): Promise<Record<string, unknown>>;
}
