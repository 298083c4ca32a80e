import { basename } from 'node:path';
import { render } from '../../template/index.js';

/** What a shutdown_command's `{{ .Field }}`s are filled in from when it runs. */
export interface ShutdownValues {
  buildName: string;
  buildType: string;
  /** The disk image's path: {{ .Name }} is its file name, as in boot_command. */
  imagePath: string;
  httpIp?: string;
  httpPort?: number;
}

/**
 * Renders shutdown_command when it runs. `{{user}}` and the other functions were rendered when the
 * template was read; what is left are fields only the run knows. `{{ .Vars }}` is the
 * PACKER_BUILD_NAME=… assignments a shell provisioner's execute_command gets, so bento-style
 * `echo 'vagrant' | {{ .Vars }} sudo -S -E shutdown -P now` works (Packer 1.6 has no fields here
 * and would type "<no value>").
 */
export function renderShutdownCommand(command: string, v: ShutdownValues, where: string): string {
  const served = v.httpIp && v.httpPort !== undefined;
  const vars: Record<string, string> = { PACKER_BUILD_NAME: v.buildName, PACKER_BUILDER_TYPE: v.buildType };
  if (served) vars.PACKER_HTTP_ADDR = `${v.httpIp}:${v.httpPort}`;
  const data = {
    Vars: Object.entries(vars).map(([k, value]) => `${k}='${value.replaceAll("'", `'"'"'`)}'`).join(' '),
    HTTPIP: v.httpIp ?? '',
    HTTPPort: v.httpPort ?? 0,
    Name: basename(v.imagePath),
  };
  return render(command, { data, buildName: v.buildName, buildType: v.buildType, where });
}

/** A field the run will not have ({{ .Path }}) or a syntax error is found when the template is read. */
export function checkShutdownCommand(command: string, where: string): void {
  renderShutdownCommand(command, { buildName: 'build', buildType: 'qemu', imagePath: '/out/image', httpIp: '10.0.2.2', httpPort: 8000 }, where);
}
