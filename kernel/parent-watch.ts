/**
 * Makes the kernel die with the process that started it (issue 15). When the runner is killed with
 * SIGKILL, its executor stops its kernel; should the executor be gone too, the kernel is re-parented
 * (to pid 1 or a subreaper) and would run on, start browsers and write where no one reads. Node has
 * no prctl(PR_SET_PDEATHSIG), so this polls `process.ppid` and calls `onOrphan` once it changes.
 * The timer is unref'd (it never keeps the kernel alive); a cell that blocks the event loop
 * delays the check until it yields.
 *
 * @example watchParent(() => process.exit(1)); // returns the timer, or undefined when started by pid 1
 */
export function watchParent(onOrphan: (from: number, to: number) => void, intervalMs = 1000): NodeJS.Timeout | undefined {
  const parent = process.ppid;
  if (parent <= 1) return undefined; // started by init (a container's entry point): nothing to watch
  const timer = setInterval(() => {
    const now = process.ppid;
    if (now !== parent) {
      clearInterval(timer);
      onOrphan(parent, now);
    }
  }, intervalMs);
  timer.unref();
  return timer;
}
