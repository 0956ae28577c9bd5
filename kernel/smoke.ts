/**
 * Smoke mode: the runner sets ELBO_LAB_SMOKE=1 under CI (or with --smoke), and notebooks use fewer
 * samples and iterations. Every check still runs; only sizes (and tolerances tied to them) change.
 */
import { SMOKE_ENV } from "./protocol";

/** True in smoke mode. */
export function isSmoke(env: NodeJS.ProcessEnv = process.env): boolean {
  const v = env[SMOKE_ENV];
  return v !== undefined && v !== "" && v !== "0" && v.toLowerCase() !== "false";
}

/**
 * Picks a size for the current mode.
 * @example sized({ full: 100_000, smoke: 2_000 })  // 2000 when ELBO_LAB_SMOKE=1, else 100000
 */
export function sized<T>(choice: { full: T; smoke: T }, env: NodeJS.ProcessEnv = process.env): T {
  return isSmoke(env) ? choice.smoke : choice.full;
}
