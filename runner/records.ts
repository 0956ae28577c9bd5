/**
 * Gathering records (see kernel/record.ts) from executed notebooks into `build/records.json`:
 * `{ "<notebook file name>": { "<record name>": value, …, "checks": [CheckRecord, …], "illustrations": […] } }`
 * (`illustrations` and `exercises` only when the notebook has any; neither is counted as checks).
 */
import { RECORD_MIME, type RecordPayload } from "../kernel/protocol";

export interface NotebookRecords {
  values: Record<string, unknown>;
  checks: Array<Record<string, unknown>>;
  /** `illustrate(...)` outputs: shown to the reader, never counted as checks. */
  illustrations: Array<Record<string, unknown>>;
  /** `exercise(...)` verdicts (kernel/exercise.ts): counted apart from checks. */
  exercises: Array<Record<string, unknown>>;
}

interface Output {
  output_type?: string;
  data?: Record<string, unknown>;
}

/** Reads every record output of an executed notebook, in cell order; a later value of a name wins. */
export function extractRecords(nb: { cells?: Array<{ outputs?: Output[] }> }): NotebookRecords {
  const out: NotebookRecords = { values: {}, checks: [], illustrations: [], exercises: [] };
  for (const cell of nb.cells ?? []) {
    for (const o of cell.outputs ?? []) {
      if (o.output_type !== "display_data" && o.output_type !== "execute_result") continue;
      const raw = o.data?.[RECORD_MIME];
      if (!raw) continue;
      const payload = (typeof raw === "string" ? JSON.parse(raw) : raw) as RecordPayload;
      if (payload.kind === "check") out.checks.push(payload.value as Record<string, unknown>);
      else if (payload.kind === "illustration") out.illustrations.push(payload.value as Record<string, unknown>);
      else if (payload.kind === "exercise") out.exercises.push(payload.value as Record<string, unknown>);
      else out.values[payload.name] = payload.value;
    }
  }
  return out;
}

/** The JSON object stored for one notebook. */
export function recordsEntry(r: NotebookRecords): Record<string, unknown> {
  return {
    ...r.values,
    checks: r.checks,
    ...(r.illustrations.length > 0 ? { illustrations: r.illustrations } : {}),
    ...(r.exercises.length > 0 ? { exercises: r.exercises } : {}),
  };
}
