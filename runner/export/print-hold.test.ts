/**
 * The webpdf template's print hold (nbconvert-templates/elbo-lab-webpdf/print-hold.js), in the real
 * headless Chromium, with the wait webpdf itself uses: `goto(…, waitUntil: "networkidle")`, in print media.
 * A busy machine is stood for by a page that is slow on purpose, the same on every machine: MathJax's
 * start-up waits 3 s after `load` (`delayStartupUntil`), and a 1.5 s task blocks the page's main thread
 * meanwhile. Without the hold, "networkidle" comes before anything is typeset (the control below); with
 * it, only once every equation is. (DevTools' CPU throttling was tried: it suspends the worker's thread
 * too, and on a machine already at load 12 MathJax needed more than the hold's 120 s.)
 * A page without MathJax, or whose MathJax fails to load, is not held.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
import { closeBrowser, getBrowser } from "../../kernel/browser";
import { findChromium } from "../../kernel/chromium";
import { projectRoot } from "../../kernel/jupyter";

const root = projectRoot();
const HOLD = fs.readFileSync(path.join(root, "runner", "export", "nbconvert-templates", "elbo-lab-webpdf", "print-hold.js"), "utf8");
const mathjaxJs = path.join(root, "node_modules", "mathjax", "MathJax.js");
const chromium = findChromium();
const skip = !chromium.path ? `no Chromium: ${chromium.reason}` : !fs.existsSync(mathjaxJs) ? "no node_modules/mathjax" : false;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-print-hold-test-"));
const EQUATIONS = 100;
const DELAY_MS = 3000;

after(async () => {
  await closeBrowser();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A page laid out as nbconvert's lab template lays one out: MathJax 2 in <head>, TeX in the body. */
function page(name: string, opts: { hold: boolean; mathjax: "local" | "missing" | "none" }): string {
  const src = opts.mathjax === "missing" ? pathToFileURL(path.join(dir, "no-such-MathJax.js")).href : `${pathToFileURL(mathjaxJs).href}?config=TeX-AMS_CHTML-full,Safe`;
  const head = [
    opts.hold ? `<script>${HOLD}</script>` : "",
    opts.mathjax === "none" ? "" : `<script src="${src}"></script>`,
    // The test's own probe: the wall-clock time at which MathJax had typeset the page.
    `<script type="text/x-mathjax-config">MathJax.Hub.Config({delayStartupUntil:"configured",messageStyle:"none",tex2jax:{inlineMath:[["$","$"]]}});` +
      `MathJax.Hub.Register.StartupHook("End",function(){MathJax.Hub.Queue(function(){window.__typesetAt=Date.now();});});` +
      `window.addEventListener("load",function(){setTimeout(function(){MathJax.Hub.Configured();},${DELAY_MS});` +
      `setTimeout(function(){var t=Date.now();while(Date.now()-t<1500){}},200);});</script>`,
  ].join("");
  const body = Array.from({ length: EQUATIONS }, (_, i) => `<p>Step ${i}: $\\log p(x) - \\mathrm{KL}(q \\,\\|\\, p) = \\int q(z) \\log \\frac{p(x, z_{${i}})}{q(z)} \\, dz$</p>`).join("\n");
  const file = path.join(dir, name);
  fs.writeFileSync(file, `<!DOCTYPE html><html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`);
  return pathToFileURL(file).href;
}

interface AtIdle {
  /** Milliseconds from networkidle to MathJax's end of typesetting (negative: typeset before networkidle). */
  typesetAfterIdleMs: number | null;
  typeset: number;
  hold: { releasedAt: number | null; reason: string | null } | null;
  ms: number;
}

/**
 * Opens `url` as webpdf does (print media, wait for networkidle). The order of networkidle and the end of
 * typesetting is read from wall-clock times (the page's probe against the moment `goto` returned), not
 * from what an evaluate sees afterwards: an evaluate waits for the page's main thread, and in CI it once
 * ran only after typesetting (networkidle at 1020 ms, 100 of 100 seen).
 */
async function atNetworkIdle(url: string): Promise<AtIdle> {
  const p = await (await getBrowser()).newPage();
  try {
    await p.emulateMedia({ media: "print" });
    const t0 = Date.now();
    await p.goto(url, { waitUntil: "networkidle", timeout: 150_000 });
    const idleAt = Date.now();
    const ms = idleAt - t0;
    // A page with MathJax: wait until it is done, to learn when that was.
    await p.waitForFunction(() => (window as unknown as { __typesetAt?: number }).__typesetAt !== undefined || !(window as unknown as { MathJax?: { Hub?: unknown } }).MathJax?.Hub, undefined, { timeout: 60_000 });
    return await p.evaluate(
      ({ ms, idleAt }) => {
        const w = window as unknown as { elboLabPrintHold?: AtIdle["hold"]; __typesetAt?: number };
        return { typesetAfterIdleMs: w.__typesetAt === undefined ? null : w.__typesetAt - idleAt, typeset: document.querySelectorAll(".MathJax_CHTML").length, hold: w.elboLabPrintHold ?? null, ms };
      },
      { ms, idleAt },
    );
  } finally {
    await p.close();
  }
}

test(`control: without the hold, networkidle comes before MathJax has typeset ${EQUATIONS} equations`, { skip }, async () => {
  const r = await atNetworkIdle(page("bare.html", { hold: false, mathjax: "local" }));
  assert.equal(r.typeset, EQUATIONS, "MathJax typesets the page in the end");
  assert.ok(r.typesetAfterIdleMs !== null && r.typesetAfterIdleMs > 0, `typeset ${r.typesetAfterIdleMs} ms after networkidle (at ${r.ms} ms): the page is not slow enough to show the race`);
});

test(`with the hold, networkidle comes only once MathJax has typeset all ${EQUATIONS} equations`, { skip }, async () => {
  const r = await atNetworkIdle(page("held.html", { hold: true, mathjax: "local" }));
  assert.equal(r.hold?.reason, "typeset", `released because: ${r.hold?.reason}`);
  assert.equal(r.typeset, EQUATIONS);
  assert.ok(r.typesetAfterIdleMs !== null && r.typesetAfterIdleMs <= 0, `typeset ${r.typesetAfterIdleMs} ms after networkidle (at ${r.ms} ms)`);
});

test("a page without MathJax, or whose MathJax fails to load, is released at load, not held", { skip }, async () => {
  for (const mathjax of ["none", "missing"] as const) {
    const r = await atNetworkIdle(page(`held-${mathjax}.html`, { hold: true, mathjax }));
    assert.equal(r.hold?.reason, "loaded, no MathJax", `${mathjax}: ${r.hold?.reason}`);
    assert.ok(r.ms < 60_000, `${mathjax}: networkidle after ${r.ms} ms (the hold's limit is 120 s)`);
  }
});
