/**
 * One headless Chromium per process, driven by npm `playwright-core` with a system browser (no
 * downloaded browser, no network), found by ./chromium.ts. Launched on first use, shared by every figure (and by the exporter's printing),
 * closed when the process ends:
 *
 * - normal exit: playwright kills what it launched on `exit`;
 * - Jupyter shutdown_request: tslab closes its sockets and waits for the event loop to drain, which
 *   the browser's pipe would keep alive, so inside a kernel we close the browser when tslab's handler
 *   closes ({@link closeBrowser} hooked on `JupyterHandlerImpl.prototype.close`);
 * - SIGTERM of the kernel (below), or its parent's death (./launch.ts): the browser is closed and
 *   the process exits through its `exit` handlers, so playwright removes the browser's profile
 *   folder (Node's default SIGTERM skipped them and left `playwright_chromiumdev_profile-*` in the
 *   temp folder). A kernel whose event loop is blocked (a synchronous cell) handles SIGTERM only
 *   when it yields; Jupyter then ends it with SIGKILL;
 * - SIGKILL of the kernel: Chromium is driven over a pipe (`--remote-debugging-pipe`) and exits
 *   when the pipe's other end dies (measured: no chromium process left after `kill -9`); its
 *   profile folder stays, since nothing of the kernel runs any more.
 *
 * Playwright's own SIGINT/SIGTERM/SIGHUP handlers are off: SIGINT is how Jupyter interrupts a cell,
 * and must not close the browser or exit the kernel.
 */
import type { Browser } from "playwright-core";
import { CHROMIUM_ARGS, findChromium } from "./chromium";

let shared: Promise<Browser> | null = null;
let hooked = false;
/** Milliseconds the last launch took (for reports). */
export let lastLaunchMs = 0;

/**
 * Inside the project kernel, close the browser when tslab shuts down, and on SIGTERM (see the file
 * comment). The SIGTERM handler exists only once a browser was launched: until then Node's default
 * (end at once, even in the middle of a synchronous cell) stays, since there is nothing to clean.
 * A second SIGTERM exits at once.
 */
function hookKernelShutdown(): void {
  if (hooked || process.env.ELBO_LAB_KERNEL !== "1") return;
  hooked = true;
  let terminating = false;
  process.on("SIGTERM", () => {
    if (terminating) process.exit(143);
    terminating = true;
    void Promise.race([closeBrowser(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]).finally(() => process.exit(143));
  });
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
