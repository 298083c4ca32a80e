export interface DataSourceContext {
  signal: AbortSignal;
  templateDir: string;
}

/** A `data "type" "name" {}` block's implementation: what it takes, what it produces, and how it reads it. */
export interface DataSourcePlugin {
  /** e.g. "amazon-ami". */
  type: string;
  /** JSON Schema of the block's arguments (validated with the project's ajv helper). */
  schema: object;
  /** Attribute names the data source produces (unknown during validate). */
  outputs: readonly string[];
  read(config: Record<string, unknown>, ctx: DataSourceContext): Promise<Record<string, unknown>>;
}
