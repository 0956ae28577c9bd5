/**
 * Which execute request the kernel is running, as far as the display code needs to know it.
 *
 * Set by the kernel launcher (./execute-input.ts) when a cell starts to run; null outside a kernel
 * (unit tests, plain `node`). No tslab import here: notebooks import this file through
 * ../dist/kernel, and it must stay cheap.
 */

export interface Execution {
  /** 1, 2, 3, … for each execute request the kernel has started, whatever the front end. */
  seq: number;
  /** The execution count the front end shows (`[n]:`); the same as the reply's. */
  count: number;
  /**
   * The cell's id, which interactive front ends (JupyterLab ≥ 3, Notebook 7) send in the request's
   * metadata; null from nbclient / `jupyter nbconvert --execute`, which run a notebook top to bottom.
   */
  cellId: string | null;
}

let current: Execution | null = null;

/** The execution running now (or last started), or null outside a kernel. */
export function currentExecution(): Execution | null {
  return current;
}

/** Called by the launcher when an execute request starts to run. */
export function setCurrentExecution(e: Execution | null): void {
  current = e;
}
