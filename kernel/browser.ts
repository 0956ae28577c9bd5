/**
 * One headless Chromium per process, driven by npm `playwright-core` with a system browser (no
 * downloaded browser, no network): found through `$ELBO_LAB_CHROMIUM`, else the usual install paths
 * and names on PATH. Launched on first use, shared by every figure (and by the exporter's printing),
 * closed when the process ends:
 *
 * - normal exit: playwright kills what it launched on `exit`;
 * - Jupyter shutdown_request: tslab closes its sockets and waits for the event loop to drain, which
 *   the browser's pipe would keep alive, so inside a kernel we close the browser when tslab's handler
 *   closes ({@link closeBrowser} hooked on `JupyterHandlerImpl.prototype.close`);
 * - SIGTERM / SIGKILL of the kernel: Chromium is driven over a pipe (`--remote-debugging-pipe`) and
 *   exits when the pipe's other end dies (measured: no chromium process left after `kill -9`).
 *
 * Playwright's own SIGINT/SIGTERM/SIGHUP handlers are off: SIGINT is how Jupyter interrupts a cell,
 * and must not close the browser or exit the kernel.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Browser } from "playwright-core";

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

let shared: Promise<Browser> | null = null;
let hooked = false;
/** Milliseconds the last launch took (for reports). */
export let lastLaunchMs = 0;

/** Inside the project kernel, close the browser when tslab shuts down (see the file comment). */
function hookKernelShutdown(): void {
  if (hooked || process.env.ELBO_LAB_KERNEL !== "1") return;
  hooked = true;
  try {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const jupyter = require("tslab/dist/jupyter") as { JupyterHandlerImpl?: { prototype: { close(): void } } };
    const proto = jupyter.JupyterHandlerImpl?.prototype;
    if (!proto) return;
    const original = proto.close;
    proto.close = function (this: unknown) {
      void closeBrowser();
      return original.call(this);
    };
  } catch {
    /* not in a tslab kernel after all */
  }
}

/** The shared browser, launched on first call. Rejects (with the reason) when none can be started. */
export function getBrowser(env: NodeJS.ProcessEnv = process.env): Promise<Browser> {
  if (shared) return shared;
  const found = findChromium(env);
  if (!found.path) return Promise.reject(new Error(found.reason));
  const executablePath = found.path;
  hookKernelShutdown();
  const t0 = Date.now();
  shared = (async () => {
    // Loaded lazily: notebooks that show no figure never load playwright.
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const { chromium } = require("playwright-core") as typeof import("playwright-core");
    const browser = await chromium.launch({
      executablePath,
      headless: true,
      args: CHROMIUM_ARGS,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
      timeout: 60_000,
    });
    lastLaunchMs = Date.now() - t0;
    browser.on("disconnected", () => {
      shared = null;
    });
    return browser;
  })();
  shared.catch(() => {
    shared = null;
  });
  return shared;
}

/** True when a browser has been launched and is still connected. */
export function browserRunning(): boolean {
  return shared !== null;
}

/** Closes the shared browser (if any). Safe to call repeatedly. */
export async function closeBrowser(): Promise<void> {
  const b = shared;
  shared = null;
  if (!b) return;
  try {
    await (await b).close();
  } catch {
    /* launch had failed, or already closed */
  }
}
