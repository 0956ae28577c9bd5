/**
 * What notebooks import from the kernel side: `import { record, checkClose, sized } from "../dist/kernel"`.
 * The numerical library is `../dist/src`.
 */
export { record, toJsonSafe } from "./record";
export { checkClose, checkAtMost, checkTrue, CheckFailure, type CheckRecord, type Tolerance } from "./check";
export { isSmoke, sized } from "./smoke";
export { emit, newDisplayId, inKernel, type MimeBundle } from "./output";
