/**
 * What keeps a build folder whole when runs overlap, are interrupted or killed (issue 15):
 *
 * - a lock, `BUILD/.runner.lock` holding the owner's pid: a second runner on the same folder is
 *   refused with one line naming the holder; a lock whose pid is dead (a runner killed with
 *   SIGKILL) is taken over;
 * - atomic writes (a temporary file in the same folder, then rename), so a reader never sees half
 *   a `records.json` and a kill mid-write leaves the previous file;
 * - `records.json` read strictly: a file that exists but is not a JSON object is an error, never
 *   silently treated as empty (which would drop every other notebook's records at the next merge).
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Name of the lock file inside a build folder. */
export const LOCK_FILE = ".runner.lock";
/** Prefix of a run's staging folder inside the build folder (followed by the runner's pid). */
export const STAGING_PREFIX = ".staging-";

/** True when a process with this pid exists (signal 0 probes without sending anything). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by someone else
  }
}

/** Thrown when another live runner holds the build folder. */
export class BuildFolderBusyError extends Error {
  constructor(
    readonly buildDir: string,
    readonly holder: number,
  ) {
    super(`build folder ${buildDir} is in use by another runner (pid ${holder}); wait for it to finish, stop it, or pass a different --build folder`);
    this.name = "BuildFolderBusyError";
  }
}

/**
 * Takes the build folder's lock for this process, or throws BuildFolderBusyError when a live
 * process holds it. A lock left by a dead pid is taken over, and the staging folders of dead runs
 * are removed. Returns the function that releases the lock (idempotent; also run at exit).
 */
export function lockBuildFolder(buildDir: string, pid = process.pid): () => void {
  fs.mkdirSync(buildDir, { recursive: true });
  const file = path.join(buildDir, LOCK_FILE);
  for (let attempt = 0; ; attempt++) {
    try {
      const fd = fs.openSync(file, "wx");
      fs.writeSync(fd, JSON.stringify({ pid, started: new Date().toISOString() }) + "\n");
      fs.closeSync(fd);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 3) throw e;
      const holder = readLockPid(file);
      if (holder !== null && holder !== pid && pidAlive(holder)) throw new BuildFolderBusyError(buildDir, holder);
      // Stale (its runner died without cleaning up) or unreadable: take it over.
      fs.rmSync(file, { force: true });
    }
  }
  removeDeadStaging(buildDir);
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    process.off("exit", release);
    try {
      if (readLockPid(file) === pid) fs.rmSync(file, { force: true });
    } catch {
      /* already gone */
    }
  };
  process.on("exit", release);
  return release;
}

function readLockPid(file: string): number | null {
  try {
    const pid = (JSON.parse(fs.readFileSync(file, "utf8")) as { pid?: unknown }).pid;
    return typeof pid === "number" ? pid : null;
  } catch {
    return null;
  }
}

/** Removes `.staging-<pid>` folders whose runner is dead (killed before it could clean up). */
function removeDeadStaging(buildDir: string): void {
  for (const e of fs.readdirSync(buildDir)) {
    if (!e.startsWith(STAGING_PREFIX)) continue;
    const pid = Number(e.slice(STAGING_PREFIX.length));
    if (!pidAlive(pid)) fs.rmSync(path.join(buildDir, e), { recursive: true, force: true });
  }
}

/** Writes `text` to `file` atomically: a temporary file beside it, then rename over it. */
export function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, file);
}

/**
 * Reads a build folder's `records.json`: {} when there is none yet; an Error naming the file when
 * it exists but cannot be read or is not a JSON object (never treated as empty).
 */
export function readRecordsFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw new Error(`cannot read ${file}: ${(e as Error).message}; move it away or fix it (the runner will not overwrite it)`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); move it away or fix it (the runner will not overwrite it)`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new Error(`${file} does not hold a JSON object; move it away or fix it (the runner will not overwrite it)`);
  }
  return value as Record<string, unknown>;
}
