/**
 * What the kernel bridge and the runner agree on. Both sides import these names; nothing else
 * about the wire format is assumed.
 */

/** MIME type of a display output that carries one named record (see `record` in ./record.ts). */
export const RECORD_MIME = "application/vnd.elbo-lab.record+json";

/** Prefix of the stderr line the kernel launcher writes when a cell leaves an asynchronous error behind. */
export const ASYNC_ERROR_MARKER = "[elbo-lab:async-error]";

/**
 * Start of the line the kernel writes (on stderr) where it cut a cell's stream output at the
 * per-cell limit (see ./cell-output.ts); the runner reports each cell whose output holds it.
 */
export const OUTPUT_TRUNCATED_MARKER = "… output truncated by ELBO Lab:";

/** Environment variable that turns smoke mode on for notebooks (set by the runner under CI or --smoke). */
export const SMOKE_ENV = "ELBO_LAB_SMOKE";

/** Environment variable holding the runner's build folder, where notebooks save files (see ./build-dir.ts). */
export const BUILD_DIR_ENV = "ELBO_LAB_BUILD_DIR";

/** One record as it travels inside a display output. */
export interface RecordPayload {
  name: string;
  value: unknown;
  /**
   * `"value"` for a plain record, `"check"` for the outcome of a `check`, `"illustration"` for a
   * number shown to illustrate a step that is true by construction (not a check: never counted),
   * `"exercise"` for the verdict on a student's answer (kernel/exercise.ts).
   */
  kind: "value" | "check" | "illustration" | "exercise";
}
