/**
 * How plotly.js travels (./plotlyjs.ts), in the real headless Chromium: on a static page it does not
 * hold up the parser (a printer that prints early still gets the whole page), it runs after `load`, once
 * however many copies the page carries, beside require.js; on a page that has loaded already (an
 * output added by a front end) it runs at once; a page that loads in print media (webpdf) does not run it.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { pathToFileURL } from "node:url";
import type { Page } from "playwright-core";
import { closeBrowser, getBrowser } from "./browser";
import { findChromium } from "./chromium";
import { PLOTLY_JS_MARKER, PLOTLY_READY_EVENT, plotlyJsHtml } from "./plotlyjs";

const chromium = findChromium();
const NO_BROWSER = chromium.path ? false : `no Chromium: ${chromium.reason}`;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-plotlyjs-test-"));

after(async () => {
  await closeBrowser();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A page as nbconvert writes one: outputs inline in the body, in order. */
function page(name: string, head: string, body: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, `<!DOCTYPE html><html><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`);
  return pathToFileURL(file).href;
}

/** A page opened at `url` once it has loaded and plotly.js has run. */
async function loadedPage(url: string): Promise<Page> {
  const p = await (await getBrowser()).newPage();
  await p.goto(url, { waitUntil: "load" });
  await p.waitForFunction(() => typeof (window as unknown as { Plotly?: unknown }).Plotly === "object", undefined, { timeout: 30_000 });
  return p;
}

/** Records, at DOMContentLoaded, whether plotly.js had run and whether the text after it was parsed. */
const PROBE =
  `<script>window.__seen=[];document.addEventListener("DOMContentLoaded",function(){` +
  `window.__atDomReady={plotly:typeof window.Plotly,end:!!document.getElementById("end")};});` +
  `window.addEventListener("${PLOTLY_READY_EVENT}",function(){window.__seen.push(typeof window.Plotly);});</script>`;

test("plotly.js does not stop the parser: the page after it is read before the library runs, which happens after load", { skip: NO_BROWSER }, async () => {
  const url = page("static.html", PROBE, `<p>before</p>${plotlyJsHtml()}<p>between</p>${plotlyJsHtml()}<p id="end">the last cell</p>`);
  const p = await loadedPage(url);
  try {
    const r = await p.evaluate(() => {
      const w = window as unknown as { __atDomReady: { plotly: string; end: boolean }; __seen: string[]; Plotly: { version: string } };
      return { atDomReady: w.__atDomReady, seen: w.__seen, version: w.Plotly.version, blocks: document.querySelectorAll("script[type='text/plain']").length };
    });
    assert.deepEqual(r.atDomReady, { plotly: "undefined", end: true }, "the whole page was parsed before plotly.js ran");
    assert.equal(r.blocks, 2, "both copies are on the page as data blocks");
    assert.ok(r.seen.length >= 1 && r.seen.every((t) => t === "object"), `the ready event fires once plotly.js is there (${r.seen.join(",")})`);
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    assert.equal(r.version, (require("plotly.js-dist-min/package.json") as { version: string }).version);
  } finally {
    await p.close();
  }
});

test("plotly.js beside require.js: it runs with define.amd hidden (so window.Plotly is set) and restores it", { skip: NO_BROWSER }, async () => {
  const amd = `<script>window.__defined=0;window.define=function(){window.__defined++;};window.define.amd={jQuery:true};</script>`;
  const url = page("amd.html", amd, `${plotlyJsHtml()}<p id="end">end</p>`);
  const p = await loadedPage(url);
  try {
    const r = await p.evaluate(() => {
      const w = window as unknown as { __defined: number; define: { amd?: { jQuery?: boolean } } };
      return { defined: w.__defined, amdBack: w.define.amd?.jQuery === true };
    });
    assert.deepEqual(r, { defined: 0, amdBack: true });
  } finally {
    await p.close();
  }
});

test("plotly.js in an output added to a loaded page (as JupyterLab and Notebook add them) runs at once", { skip: NO_BROWSER }, async () => {
  const url = page("dynamic.html", "", `<div id="out"></div>`);
  const browser = await getBrowser();
  const p = await browser.newPage();
  try {
    await p.goto(url, { waitUntil: "load" });
    const r = await p.evaluate(
      ({ html, marker }) => {
        // What a front end does with a trusted text/html output: set it, then re-create each script so it runs.
        const host = document.getElementById("out")!;
        host.innerHTML = html;
        for (const old of Array.from(host.querySelectorAll("script"))) {
          const s = document.createElement("script");
          for (const a of Array.from(old.attributes)) s.setAttribute(a.name, a.value);
          s.text = old.text;
          old.replaceWith(s);
        }
        return { plotly: typeof (window as unknown as { Plotly?: unknown }).Plotly, carried: host.querySelectorAll(`script[${marker}]`).length };
      },
      { html: plotlyJsHtml(), marker: PLOTLY_JS_MARKER },
    );
    assert.deepEqual(r, { plotly: "object", carried: 1 }, "run synchronously when the output is added");
  } finally {
    await p.close();
  }
});

test("a static page opened in print media (as webpdf opens it) does not run plotly.js; in screen media it does", { skip: NO_BROWSER }, async () => {
  const url = page("print.html", PROBE, `${plotlyJsHtml()}<p id="end">end</p>`);
  const browser = await getBrowser();
  for (const media of ["print", "screen"] as const) {
    const p = await browser.newPage();
    try {
      await p.emulateMedia({ media });
      await p.goto(url, { waitUntil: "load" });
      await p.waitForTimeout(500); // the loader runs plotly.js in a task after load
      const plotly = await p.evaluate(() => typeof (window as unknown as { Plotly?: unknown }).Plotly);
      assert.equal(plotly, media === "print" ? "undefined" : "object", `${media} media`);
    } finally {
      await p.close();
    }
  }
});
