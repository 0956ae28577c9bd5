/**
 * Finding the system's Chromium (or Chrome) without launching it: `$ELBO_LAB_CHROMIUM`, else the
 * usual install paths and names on PATH. No playwright here: this file is part of what notebooks
 * import (`../dist/kernel`), and playwright-core's 2 MB of type declarations would otherwise be
 * parsed by every notebook's first cell. Launching is ./browser.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** Flags for headless Chromium as root in a container; playwright adds a fresh --user-data-dir. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

/** Environment variable naming the browser executable; `none` turns static images off. */
export const CHROMIUM_ENV = "ELBO_LAB_CHROMIUM";

const NAMES = ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome", "microsoft-edge"];
const FIXED = [
  "/usr/bin/chromium",
  "/usr/bin/chromium-browser",
  "/usr/bin/google-chrome",
  "/usr/bin/google-chrome-stable",
  "/snap/bin/chromium",
  "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
  "/Applications/Chromium.app/Contents/MacOS/Chromium",
  "C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe",
  "C:\\Program Files (x86)\\Google\\Chrome\\Application\\chrome.exe",
];

function executable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export interface ChromiumLookup {
  /** Absolute path of the browser, or null. */
  path: string | null;
  /** Why there is none (or which variable chose it). */
  reason: string;
}

/** Finds a Chromium/Chrome executable without launching it. */
export function findChromium(env: NodeJS.ProcessEnv = process.env): ChromiumLookup {
  const chosen = env[CHROMIUM_ENV];
  if (chosen !== undefined && chosen !== "") {
    if (["none", "0", "false", "off"].includes(chosen.toLowerCase())) return { path: null, reason: `${CHROMIUM_ENV}=${chosen} turns static images off` };
    return executable(chosen) ? { path: chosen, reason: `from ${CHROMIUM_ENV}` } : { path: null, reason: `${CHROMIUM_ENV}=${chosen} is not an executable file` };
  }
  for (const p of FIXED) if (executable(p)) return { path: p, reason: "found at a standard location" };
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const n of NAMES) {
      const p = path.join(dir, n);
      if (executable(p)) return { path: p, reason: "found on PATH" };
    }
  }
  return {
    path: null,
    reason: `no Chromium or Chrome found (looked at ${FIXED.slice(0, 4).join(", ")}, … and ${NAMES.join("/")} on PATH); install one (Debian: apt-get install chromium) or set ${CHROMIUM_ENV}`,
  };
}
