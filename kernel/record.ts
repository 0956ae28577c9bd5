/**
 * `record(name, value)` — glue a named value into the notebook's output, in the spirit of scrapbook's
 * `glue` or myst-nb's `glue`. The runner gathers records into `build/records.json`, keyed by notebook
 * file name, then record name; tests and readers take numbers from there, not from printed text.
 *
 * Values must be JSON data: numbers, strings, booleans, null, arrays (typed arrays too) and plain
 * objects. NaN and ±Infinity are kept as the strings "NaN", "Infinity", "-Infinity" (JSON has no such
 * numbers). A function, a class instance, a cycle or a bigint is an error naming the path to it.
 */
import { emit } from "./output";
import { RECORD_MIME, type RecordPayload } from "./protocol";

/** Record names the runner reserves. */
export const RESERVED_RECORD_NAMES = new Set(["checks", "illustrations", "exercises"]);

/** Returns a JSON-safe copy of `value`, or throws an error naming where the bad part is. */
export function toJsonSafe(value: unknown, where = "value", seen: Set<object> = new Set()): unknown {
  if (value === null || typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") {
    if (Number.isFinite(value)) return value;
    return Number.isNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity";
  }
  if (typeof value === "object") {
    if (seen.has(value)) throw new TypeError(`record: ${where} refers back to itself (a cycle); records must be JSON data`);
    seen.add(value);
    try {
      if (Array.isArray(value)) return value.map((v, i) => toJsonSafe(v, `${where}[${i}]`, seen));
      if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
        return Array.from(value as unknown as ArrayLike<number>, (v, i) => toJsonSafe(v, `${where}[${i}]`, seen));
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        const name = (value as { constructor?: { name?: string } }).constructor?.name ?? "unknown";
        throw new TypeError(`record: ${where} is a ${name} instance; records must be JSON data (plain objects, arrays, numbers, strings)`);
      }
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (v === undefined) continue;
        out[k] = toJsonSafe(v, `${where}.${k}`, seen);
      }
      return out;
    } finally {
      seen.delete(value);
    }
  }
  throw new TypeError(`record: ${where} is ${typeof value === "undefined" ? "undefined" : `a ${typeof value}`}; records must be JSON data`);
}

function preview(value: unknown): string {
  const s = JSON.stringify(value);
  return s.length > 120 ? s.slice(0, 117) + "..." : s;
}

/** Emits one record output. Used by {@link record} and by checks. */
export function emitRecord(payload: RecordPayload, text: string): void {
  emit({ [RECORD_MIME]: payload, "text/plain": text });
}

/**
 * Records `value` under `name` for this notebook. A later record of the same name replaces it.
 *
 * @example record("logEvidence", -2.7312)  // shows `recorded logEvidence = -2.7312`
 */
export function record(name: string, value: unknown): void {
  if (typeof name !== "string" || !/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(name)) {
    throw new TypeError(`record: name ${JSON.stringify(name)} must be an identifier-like string (letters, digits, _ . -)`);
  }
  if (RESERVED_RECORD_NAMES.has(name)) throw new TypeError(`record: name "${name}" is reserved for the runner`);
  const safe = toJsonSafe(value, name);
  emitRecord({ name, value: safe, kind: "value" }, `recorded ${name} = ${preview(safe)}`);
}
