/**
 * Exercises: a student's answer, judged against a value the notebook computes by another route.
 *
 * A notebook's exercise is two cells. The answer cell (tagged `exercise-answer`, with cell metadata
 * `"exercise": "03a"`) holds `const answer03a: number | undefined = undefined;` for the student to
 * fill in. The check cell calls
 *
 *     exercise("03a", answer03a, expectedByAnotherRoute, { abs: 1e-9 }, { mistakes: { "forgot the ½": 2 * x } });
 *
 * - answer `undefined`: records status "unanswered" and prints `○ exercise 03a: not answered yet`;
 *   this is not a failure, and later cells still run;
 * - answer within the tolerance: records "correct", prints `✔ exercise 03a: correct`;
 * - otherwise: records "wrong" and throws {@link ExerciseWrong} with one line saying what is wrong
 *   (a named mistake it matches, a factor 2, a flipped sign, or how far off and in which direction),
 *   which fails the cell and the notebook.
 *
 * The runner gathers the records into `build/records.json` under `exercises` and counts them; with
 * `--solutions` it fills each answer cell from `solutions/<notebook>.json` (the executed copy only).
 * With `--mistakes` (environment `ELBO_LAB_EXERCISES=mistakes`) it fills each answer cell with the
 * solution file's known mistake instead, and then a wrong verdict is what passes ("caught") and a
 * mistake judged correct fails ("missed"): that shows every check has power.
 */
import { emitRecord, toJsonSafe } from "./record";
import type { Tolerance } from "./check";

/** Environment variable through which the runner asks exercises to expect a wrong answer. */
export const EXERCISES_ENV = "ELBO_LAB_EXERCISES";

export type ExerciseStatus = "correct" | "wrong" | "unanswered" | "caught" | "missed";

export interface ExerciseRecord {
  id: string;
  status: ExerciseStatus;
  answer: unknown;
  expected: unknown;
  tolerance: { abs: number; rel: number };
  /** Largest |answer − expected|, or null when unanswered or the shapes differ. */
  worst: number | null;
  /** The one line shown to the student. */
  message: string;
}

/**
 * A wrong answer. What the kernel prints for it is one line: the stack is the message alone (a
 * student's mistake is not a bug in the notebook), and the record is kept off the printed object.
 */
export class ExerciseWrong extends Error {
  declare readonly record: ExerciseRecord;
  constructor(record: ExerciseRecord, message: string) {
    super(message);
    this.name = "ExerciseWrong";
    Object.defineProperty(this, "record", { value: record, enumerable: false });
    this.stack = `${this.name}: ${message}`;
  }
}

export type Answer = number | ArrayLike<number>;

export interface ExerciseOptions {
  /** Known wrong answers, named by the mistake: an answer that matches one is told that mistake. */
  mistakes?: Record<string, Answer>;
  /** What the answer is, for the messages (e.g. "nats", "the posterior mean"). */
  what?: string;
}

function toArray(x: Answer): number[] {
  return typeof x === "number" ? [x] : Array.from(x);
}

function within(a: number[], e: number[], abs: number, rel: number): boolean {
  return a.length === e.length && a.length > 0 && a.every((v, i) => Math.abs(v - e[i]) <= abs + rel * Math.abs(e[i]));
}

function short(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (x === 0) return "0";
  const m = Math.abs(x);
  return m >= 1e-3 && m < 1e5 ? String(Number(x.toPrecision(3))) : x.toExponential(2);
}

/**
 * The verdict on an answer, without emitting anything: status and the one line to show.
 * @example judge("03a", 0.5, 0.25, { abs: 1e-9 }).message  // "exercise 03a: off by a factor 2 (your answer is twice the value)"
 */
export function judge(id: string, answer: Answer | undefined | null, expected: Answer, tol: Tolerance, opts: ExerciseOptions = {}): ExerciseRecord {
  const abs = tol.abs ?? 0;
  const rel = tol.rel ?? 0;
  for (const [k, v] of [["abs", abs], ["rel", rel]] as const) {
    if (!(Number.isFinite(v) && v >= 0)) throw new RangeError(`exercise ${id}: tolerance ${k} must be a finite number ≥ 0, got ${v}`);
  }
  if (tol.abs === undefined && tol.rel === undefined) throw new RangeError(`exercise ${id}: state a tolerance ({abs} and/or {rel})`);
  const e = toArray(expected);
  if (e.length === 0 || e.some((v) => !Number.isFinite(v))) {
    throw new RangeError(`exercise ${id}: the expected value must be finite numbers, got ${JSON.stringify(toJsonSafe(e))} (a bug in the notebook, not in the answer)`);
  }
  const base = { id, expected, tolerance: { abs, rel } };
  const what = opts.what ? `${opts.what}: ` : "";
  if (answer === undefined || answer === null) {
    return { ...base, status: "unanswered", answer: null, worst: null, message: `exercise ${id}: not answered yet (fill in the answer cell above and run it)` };
  }
  if (typeof answer !== "number" && !(typeof answer === "object" && typeof (answer as ArrayLike<number>).length === "number")) {
    return { ...base, status: "wrong", answer: String(answer), worst: null, message: `exercise ${id}: ${what}the answer must be a number${e.length > 1 ? ` array of ${e.length} values` : ""}, got a ${typeof answer}` };
  }
  const a = toArray(answer);
  const wrong = (message: string, worst: number | null): ExerciseRecord => ({ ...base, status: "wrong", answer, worst, message: `exercise ${id}: ${what}${message}` });
  if (a.length !== e.length) return wrong(`expected ${e.length} value${e.length === 1 ? "" : "s"}, your answer has ${a.length}`, null);
  const bad = a.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) return wrong(`your answer${a.length > 1 ? `[${bad}]` : ""} is ${a[bad]}`, null);
  let worst = 0;
  let at = 0;
  a.forEach((v, i) => {
    const d = Math.abs(v - e[i]);
    if (d > worst) {
      worst = d;
      at = i;
    }
  });
  if (within(a, e, abs, rel)) return { ...base, status: "correct", answer, worst, message: `exercise ${id}: correct${worst > 0 ? ` (|Δ| ${short(worst)})` : ""}` };
  for (const [label, value] of Object.entries(opts.mistakes ?? {})) {
    const m = toArray(value);
    if (m.length === a.length && m.every(Number.isFinite) && within(a, m, abs, rel) && !within(m, e, abs, rel)) return wrong(`wrong — ${label}`, worst);
  }
  const scaled = (k: number) => within(a, e.map((v) => v * k), abs, rel);
  const where = a.length > 1 ? ` (worst at [${at}])` : "";
  if (scaled(-1)) return wrong(`right size, wrong sign`, worst);
  if (scaled(2)) return wrong(`off by a factor 2 (your answer is twice the value)`, worst);
  if (scaled(0.5)) return wrong(`off by a factor 2 (your answer is half the value)`, worst);
  const dir = a[at] > e[at] ? "too large" : "too small";
  return wrong(`${dir} by ${short(worst)}${where}; the tolerance is ${[tol.abs !== undefined ? short(abs) : "", tol.rel !== undefined ? `${short(rel)}·|value|` : ""].filter(Boolean).join(" + ")}`, worst);
}

/** Whether the runner asked for mistakes to be expected (see the file comment). */
function expectingMistakes(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[EXERCISES_ENV] === "mistakes";
}

/**
 * Judges a student's answer (see the file comment); records the verdict, prints one line, and
 * throws {@link ExerciseWrong} on a wrong answer.
 *
 * @example exercise("08a", answer08a, beta.mean, { abs: 1e-12 })
 */
export function exercise(id: string, answer: Answer | undefined | null, expected: Answer, tol: Tolerance, opts: ExerciseOptions = {}): void {
  if (typeof id !== "string" || !/^[A-Za-z0-9_.-]+$/.test(id)) throw new TypeError(`exercise: id ${JSON.stringify(id)} must be letters, digits, _ . -`);
  let rec = judge(id, answer, expected, tol, opts);
  if (expectingMistakes()) {
    // The answer cell holds a known mistake: a wrong verdict is the check working.
    rec = rec.status === "wrong"
      ? { ...rec, status: "caught", message: `${rec.message} [mistake caught]` }
      : { ...rec, status: "missed", message: `exercise ${id}: a known mistake was judged ${rec.status}: this check cannot tell it from the solution` };
  }
  const mark = { correct: "✔", caught: "✔", unanswered: "○", wrong: "✘", missed: "✘" }[rec.status];
  emitRecord({ name: "exercises", value: toJsonSafe(rec, "exercise"), kind: "exercise" }, `${mark} ${rec.message}`);
  if (rec.status === "wrong" || rec.status === "missed") throw new ExerciseWrong(rec, rec.message);
}
