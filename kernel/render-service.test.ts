/**
 * The shared render service: the protocol (with a stub renderer, so these run without a browser),
 * bad requests named, the client's fallback signal, and one real figure through real Chromium.
 */
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import { after, test } from "node:test";
import { lineFigure } from "../src/figures";
import { findChromium } from "./chromium";
import { showFigure } from "./display";
import { setOutputSink } from "./output";
import type { RenderSize, StaticImages } from "./render";
import { RENDER_SERVICE_ENV, renderViaService, ServiceUnreachable, startRenderService } from "./render-service";

const chromium = findChromium();
const NO_BROWSER = chromium.path ? false : `no Chromium: ${chromium.reason}`;
const fig = lineFigure({ title: "t", x: { label: "z" }, y: { label: "v" }, xValues: [0, 1, 2], series: [{ role: "elbo", y: [0, 1, 4] }] });

function stub(calls: RenderSize[]) {
  return async (_fig: unknown, size: RenderSize): Promise<StaticImages> => {
    calls.push(size);
    if (size.width === 666) throw new Error("stub renderer failed on purpose");
    return { png: "UE5H", pdf: "JVBERi0=", width: size.width, height: size.height, ms: 1 };
  };
}

function raw(socketPath: string, method: string, url: string, body?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath, path: url, method }, (res) => {
      let text = "";
      res.setEncoding("utf8").on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Record<string, unknown> }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

after(() => setOutputSink(null));

test("render service: renders, counts, and names what is wrong with a bad request", async () => {
  const calls: RenderSize[] = [];
  const service = await startRenderService({ render: stub(calls) });
  try {
    assert.equal(service.env[RENDER_SERVICE_ENV], service.socketPath);
    const img = await renderViaService(service.socketPath, fig, { width: 300, height: 200 });
    assert.deepEqual([img.png, img.pdf, img.width, img.height], ["UE5H", "JVBERi0=", 300, 200]);
    assert.deepEqual(calls, [{ width: 300, height: 200 }]);

    const notJson = await raw(service.socketPath, "POST", "/render", "{oops");
    assert.equal(notJson.status, 400);
    assert.match(String(notJson.json.error), /not JSON/);
    const badWidth = await raw(service.socketPath, "POST", "/render", JSON.stringify({ figure: fig, width: -5, height: 100 }));
    assert.equal(badWidth.status, 400);
    assert.match(String(badWidth.json.error), /width must be .* got -5/);
    const badFig = await raw(service.socketPath, "POST", "/render", JSON.stringify({ figure: { layout: {} }, width: 100, height: 100 }));
    assert.equal(badFig.status, 400);
    assert.match(String(badFig.json.error), /figure must be a Plotly figure/);
    assert.equal((await raw(service.socketPath, "GET", "/nowhere")).status, 404);

    await assert.rejects(renderViaService(service.socketPath, fig, { width: 666, height: 100 }), /stub renderer failed on purpose/);
    assert.equal(calls.length, 2, "bad requests never reach the renderer");
    const health = await raw(service.socketPath, "GET", "/health");
    assert.deepEqual([health.status, health.json.rendered, health.json.failed], [200, 1, 4]);
    assert.deepEqual(
      { rendered: service.stats().rendered, failed: service.stats().failed },
      { rendered: 1, failed: 4 },
    );
  } finally {
    await service.close();
  }
  assert.equal(fs.existsSync(service.socketPath), false, "the socket is removed on close");
  await assert.rejects(renderViaService(service.socketPath, fig, { width: 300, height: 200 }), (e: unknown) => e instanceof ServiceUnreachable);
});

test("a kernel with the service in its environment draws there; without it, in its own browser", { skip: NO_BROWSER }, async () => {
  setOutputSink(() => undefined);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-svc-"));
  const service = await startRenderService({ dir });
  const saved = process.env[RENDER_SERVICE_ENV];
  try {
    process.env[RENDER_SERVICE_ENV] = service.socketPath;
    const viaService = await showFigure(fig);
    assert.equal(viaService.staticImage, true, String(viaService.missing));
    assert.equal(viaService.renderer, "service");
    assert.equal(service.stats().rendered, 1);
  } finally {
    await service.close();
  }
  try {
    // The service is gone: the same kernel falls back to a browser of its own.
    const fallback = await showFigure(fig);
    assert.equal(fallback.staticImage, true, String(fallback.missing));
    assert.equal(fallback.renderer, "local");
  } finally {
    if (saved === undefined) delete process.env[RENDER_SERVICE_ENV];
    else process.env[RENDER_SERVICE_ENV] = saved;
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    await (require("./browser") as typeof import("./browser")).closeBrowser();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
