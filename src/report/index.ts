export { junitXml } from './junit.js';
export { LogDir, logFileName } from './log-dir.js';
export { coveredMs, runModel, type BuildModel, type RunModel, type SpanModel } from './model.js';
export { emitRunEnd, emitRunStart, emitStage, type RunStartData, type StageData } from './run-events.js';
export { RunOutputs, type RunOutputOptions } from './run-outputs.js';
export { DEFAULT_PRUNE, latestRun, newRunId, pruneRuns, RunRecord, runsDir } from './run-record.js';
export { stepSummary } from './step-summary.js';
export { reportHtml } from './html.js';
export { githubAnnotations } from './annotations.js';
