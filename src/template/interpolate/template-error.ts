/** A problem in a template string; render() prefixes it with where it was found. */
export class TemplateSyntaxError extends Error {
  override name = 'TemplateSyntaxError';
}
