/**
 * What notebooks import from the kernel side: `import { record, checkClose, sized } from "../dist/kernel"`.
 * The numerical library is `../dist/src`.
 *
 * Nothing exported here may mention playwright or tfjs types in its declarations: every notebook
 * type-checks this file's declarations in its first cell (see kernel/chromium.ts).
 */
export { record, toJsonSafe } from "./record";
export { checkClose, checkAtMost, checkTrue, checkFailsOn, CheckFailure, type CheckRecord, type Tolerance } from "./check";
export { exercise, judge, ExerciseWrong, type ExerciseRecord, type ExerciseOptions } from "./exercise";
export { illustrate, type IllustrationRecord } from "./illustrate";
export { isSmoke, sized } from "./smoke";
export { buildPath } from "./build-dir";
export { emit, newDisplayId, inKernel, type MimeBundle } from "./output";
export { show, showFigure, resendPlotlyJs, PLOTLY_MIME, type ShowOptions, type ShowResult } from "./display";
export { warmUp } from "./render";
export { findChromium } from "./chromium";
export { showTable, type TableInput, type TableOptions } from "./table";
export { progress, type Progress, type ProgressOptions } from "./progress";
