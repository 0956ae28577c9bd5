/**
 * What the runner prints: one block per failure (notebook, cell, its first lines, the kernel's own
 * error text), then a summary table, then the closing count line.
 */
import type { ExerciseCounts } from "./exercises";

export type Status = "ok" | "failed" | "invalid" | "timeout" | "interrupted";

export interface NotebookResult {
  /** Path as given / found, relative to the project root where possible. */
  notebook: string;
  status: Status;
  kind: string | null;
  message: string | null;
  cell: { index: number; source: string; stderr: string } | null;
  cellsRun: number;
  cellsTotal: number;
  checksPassed: number;
  checksTotal: number;
  seconds: number;
  kernelStartSeconds: number | null;
  executed: string | null;
  /** Extra problems found by the runner itself (e.g. the source changed on disk). */
  problems: string[];
  /** Exercise verdicts (kernel/exercise.ts), or null when the notebook recorded none. */
  exercises: ExerciseCounts | null;
  /**
   * Cells whose stream output was cut at the kernel's per-cell limit (kernel/cell-output.ts), or
   * arrived too late for the executor: each with the notice the cell itself shows.
   */
  truncatedOutputs?: Array<{ index: number; notice: string }>;
}

function firstLines(source: string, n = 3): string {
  const lines = source.split("\n");
  const shown = lines.slice(0, n).map((l) => `    | ${l}`);
  if (lines.length > n) shown.push(`    | … (${lines.length - n} more lines)`);
  return shown.join("\n");
}

function indent(text: string, max = 40): string {
  const lines = text.replace(/\s+$/, "").split("\n");
  const shown = lines.slice(0, max);
  if (lines.length > max) shown.push(`… (${lines.length - max} more lines)`);
  return shown.map((l) => `    ${l}`).join("\n");
}

/** A failure, as a block a person reads. */
export function formatFailure(r: NotebookResult): string {
  const head = `✘ ${r.notebook}: ${r.kind ?? r.status}${r.message ? ` — ${r.message}` : ""}`;
  const parts = [head];
  if (r.cell) {
    parts.push(r.cell.index >= 0 ? `  cell ${r.cell.index} (0-based index in the notebook):` : "  after the last cell:");
    parts.push(firstLines(r.cell.source));
    if (r.cell.stderr.trim()) parts.push("  kernel error output:", indent(r.cell.stderr));
  }
  for (const p of r.problems) parts.push(`  ${p}`);
  return parts.join("\n");
}

/** One line per cell whose output was cut, as the reader of the executed copy sees it; "" when none. */
export function formatTruncated(r: NotebookResult): string {
  return (r.truncatedOutputs ?? []).map((t) => `  ⚠ ${r.notebook} cell ${t.index}: ${t.notice}`).join("\n");
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + " ".repeat(n - s.length);
}

/** The summary table and the closing line `notebooks: N passed, M failed`. */
/**
 * One notebook's exercises in a few characters: `2✔ 1○` (correct, unanswered), `1✘` wrong;
 * with --mistakes, `3 caught` / `1 missed`.
 */
export function formatExercises(e: ExerciseCounts | null): string {
  if (!e) return "-";
  const parts = [
    e.correct ? `${e.correct}✔` : "", e.wrong ? `${e.wrong}✘` : "", e.unanswered ? `${e.unanswered}○` : "",
    e.caught ? `${e.caught} caught` : "", e.missed ? `${e.missed} missed` : "",
  ].filter(Boolean);
  return parts.join(" ") || "-";
}

export function formatSummary(results: NotebookResult[], wallSeconds: number): string {
  const withExercises = results.some((r) => r.exercises);
  const rows = results.map((r) => [
    r.notebook,
    r.status === "ok" && r.problems.length === 0 ? "ok" : r.kind ?? r.status,
    `${r.cellsRun}/${r.cellsTotal}`,
    `${r.checksPassed}/${r.checksTotal}`,
    ...(withExercises ? [formatExercises(r.exercises)] : []),
    `${r.seconds.toFixed(1)} s`,
  ]);
  const header = ["notebook", "status", "cells", "checks", ...(withExercises ? ["exercises"] : []), "time"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cols: string[]) => cols.map((c, i) => pad(c, widths[i])).join("  ");
  const passed = results.filter(passedResult).length;
  const checks = results.reduce((a, r) => a + r.checksTotal, 0);
  const ex = { correct: 0, wrong: 0, unanswered: 0, caught: 0, missed: 0 };
  for (const r of results) for (const k of Object.keys(ex) as (keyof typeof ex)[]) ex[k] += r.exercises?.[k] ?? 0;
  const exLine = withExercises
    ? [`exercises: ${ex.correct} correct, ${ex.wrong} wrong, ${ex.unanswered} unanswered${ex.caught + ex.missed > 0 ? `; known mistakes: ${ex.caught} caught, ${ex.missed} missed` : ""}`]
    : [];
  const cut = results.filter((r) => (r.truncatedOutputs ?? []).length > 0);
  return [
    line(header),
    line(widths.map((w) => "-".repeat(w))),
    ...rows.map(line),
    ...(cut.length > 0 ? ["", "output truncated (the executed copies show where):", ...cut.map(formatTruncated)] : []),
    "",
    `${results.length} notebook(s), ${checks} check(s), ${wallSeconds.toFixed(1)} s wall time`,
    ...exLine,
    `notebooks: ${passed} passed, ${results.length - passed} failed`,
  ].join("\n");
}

export function passedResult(r: NotebookResult): boolean {
  return r.status === "ok" && r.problems.length === 0;
}
