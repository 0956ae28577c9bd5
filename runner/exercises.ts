/**
 * Counting the exercise verdicts of one notebook (kernel/exercise.ts records them under `exercises`).
 * A wrong answer (or, with --mistakes, a known mistake judged correct) fails the notebook; an
 * unanswered exercise does not.
 */
export interface ExerciseCounts {
  correct: number;
  wrong: number;
  unanswered: number;
  /** With --mistakes: known mistakes the check caught, and ones it judged correct. */
  caught: number;
  missed: number;
}

export function countExercises(records: Array<Record<string, unknown>>): ExerciseCounts {
  const c: ExerciseCounts = { correct: 0, wrong: 0, unanswered: 0, caught: 0, missed: 0 };
  for (const r of records) {
    const s = r.status;
    if (s === "correct" || s === "wrong" || s === "unanswered" || s === "caught" || s === "missed") c[s]++;
  }
  return c;
}
