import type { StateFunction } from '../types.js';
import { cmdRun } from './cmd.js';
import { fileLine } from './file-line.js';
import { fileManaged } from './file-managed.js';
import { fileAbsent, fileDirectory, fileSymlink } from './file-paths.js';
import { groupPresent } from './group.js';
import { pkgInstalled, pkgLatest, pkgRemoved } from './pkg.js';
import { serviceDead, serviceDisabled, serviceEnabled, serviceRunning } from './service.js';
import { userAbsent, userPresent } from './user.js';

/** Every `<module>.<function>` a state can name. */
export const FUNCTIONS: ReadonlyMap<string, StateFunction> = new Map(
  [
    pkgInstalled,
    pkgLatest,
    pkgRemoved,
    fileManaged,
    fileDirectory,
    fileSymlink,
    fileAbsent,
    fileLine,
    userPresent,
    userAbsent,
    groupPresent,
    serviceRunning,
    serviceDead,
    serviceEnabled,
    serviceDisabled,
    cmdRun,
  ].map((f) => [f.name, f as StateFunction]),
);

export const FUNCTION_NAMES: readonly string[] = [...FUNCTIONS.keys()];
