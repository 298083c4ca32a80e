/**
 * How AWS emulators answer where they differ from EC2, so the HTTP fake can behave like one. Read
 * from moto 5's own code (moto/ec2/models/amis.py, responses/amis.py), the engine LocalStack's EC2
 * runs on: CreateImage raises NotImplementedError for a TagSpecification of type "snapshot" (its
 * Flask server then answers HTTP 500 with Werkzeug's HTML page), and CopyImage ignores
 * TagSpecifications altogether. Both checked against moto_server 5.2.1 itself
 * (test/emulators/moto.test.ts runs bake there when moto is installed).
 */
export interface Emulation {
  /** Behave like moto 5.x. */
  moto?: boolean;
  /** Actions answered with the HTML 500 page, as an emulator does for whatever it does not implement. */
  htmlErrorOn?: string[];
}

/** Werkzeug's InternalServerError page, byte for byte what moto's server sends. */
export const WERKZEUG_500 = `<!doctype html>
<html lang=en>
<title>500 Internal Server Error</title>
<h1>Internal Server Error</h1>
<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>
`;

export interface EmulatedAnswer {
  status: number;
  contentType: string;
  body: string;
}

/** The emulator's own answer to this request, or undefined to let the fake answer; may rewrite `input`. */
export function emulate(emulation: Emulation | undefined, action: string, input: Record<string, unknown>): EmulatedAnswer | undefined {
  if (!emulation) return undefined;
  const html = { status: 500, contentType: 'text/html; charset=utf-8', body: WERKZEUG_500 };
  if (emulation.htmlErrorOn?.includes(action)) return html;
  if (!emulation.moto) return undefined;
  const specs = (input.TagSpecifications as { ResourceType?: string }[] | undefined) ?? [];
  if (action === 'CreateImage' && specs.some((s) => s.ResourceType === 'snapshot')) return html;
  if (action === 'CopyImage') delete input.TagSpecifications;
  return undefined;
}
