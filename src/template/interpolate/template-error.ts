/** A problem in a template string; render() prefixes it with where it was found. */
export class TemplateSyntaxError extends Error {
  override name = 'TemplateSyntaxError';
}

/**
 * {{user}} of a variable whose value is missing because of an error already reported (a required
 * variable left unset): callers skip the checks that depend on the value instead of adding noise.
 */
export class UnsetVariable extends Error {
  override name = 'UnsetVariable';
  constructor(readonly variable: string) {
    super(`variable "${variable}" has no value`);
  }
}
