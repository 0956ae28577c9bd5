/**
 * One static-image renderer shared by every kernel of a run.
 *
 * Each kernel otherwise starts its own headless Chromium and loads plotly.js into it at its first
 * figure: about 2.3 s of wall time and more CPU per notebook (measured: notebook 02's first figure
 * cell 2.58 s, later figure cells 0.1–0.35 s). The runner starts this service once, and passes
 * its socket to the kernels in {@link RENDER_SERVICE_ENV}; `renderStatic` (./render.ts) then posts
 * figures to it and falls back to a Chromium of its own when the service cannot be reached.
 *
 * Protocol: HTTP over a Unix socket. `POST /render` with `{"figure": {...}, "width": W,
 * "height": H}` answers `200` with the {@link StaticImages} JSON, `400` (bad request, the message
 * names the bad field) or `500` (rendering failed). `GET /health` answers `{"ok": true, ...}`.
 */
import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import type { RenderSize, StaticImages } from "./render";

/** Environment variable holding the service's socket path, set by the runner for its kernels. */
export const RENDER_SERVICE_ENV = "ELBO_LAB_RENDER_SERVICE";

/** Largest request body accepted (a figure with many slider frames is a few MB of JSON). */
const MAX_BODY = 64 * 2 ** 20;

export interface RenderService {
  /** Path of the Unix socket; put it in {@link RENDER_SERVICE_ENV}. */
  socketPath: string;
  /** The environment entry for child processes: `{ ELBO_LAB_RENDER_SERVICE: socketPath }`. */
  env: Record<string, string>;
  /** Figures rendered so far, and requests refused or failed. */
  stats(): { rendered: number; failed: number };
  /** Stops listening, closes the browser if this service started it, removes the socket. */
  close(): Promise<void>;
}

export interface RenderServiceOptions {
  /** Folder for the socket (default: a new temporary folder). */
  dir?: string;
  /** Start the browser and load plotly.js at once instead of at the first request (default true). */
  warm?: boolean;
  /** The renderer (default: ./render's renderStatic in this process); tests pass a stub. */
  render?: (fig: unknown, size: RenderSize) => Promise<StaticImages>;
}

class BadRequest extends Error {}

function parseRequest(body: string): { figure: unknown; size: RenderSize } {
  let req: unknown;
  try {
    req = JSON.parse(body);
  } catch (e) {
    throw new BadRequest(`render service: the request body is not JSON (${(e as Error).message})`);
  }
  if (!req || typeof req !== "object") throw new BadRequest("render service: the request must be a JSON object {figure, width, height}");
  const r = req as Record<string, unknown>;
  const fig = r.figure as { data?: unknown } | undefined;
  if (!fig || typeof fig !== "object" || !Array.isArray(fig.data)) {
    throw new BadRequest(`render service: figure must be a Plotly figure {data: [...]}, got ${JSON.stringify(r.figure)?.slice(0, 80)}`);
  }
  for (const k of ["width", "height"] as const) {
    const v = r[k];
    if (typeof v !== "number" || !Number.isFinite(v) || v < 10 || v > 10000) {
      throw new BadRequest(`render service: ${k} must be a number of CSS px in [10, 10000], got ${JSON.stringify(v)}`);
    }
  }
  return { figure: fig, size: { width: r.width as number, height: r.height as number } };
}

function reply(res: http.ServerResponse, status: number, value: unknown): void {
  const text = JSON.stringify(value);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  res.end(text);
}

/**
 * Starts the service and resolves once it listens (the browser warms up in the background).
 *
 * @example
 * const service = await startRenderService();
 * spawn(cmd, args, { env: { ...process.env, ...service.env } });
 * await service.close();
 */
export async function startRenderService(opts: RenderServiceOptions = {}): Promise<RenderService> {
  const ownDir = opts.dir === undefined;
  const dir = opts.dir ?? fs.mkdtempSync(path.join(os.tmpdir(), "elbo-lab-render-"));
  const socketPath = path.join(dir, "render.sock");
  fs.rmSync(socketPath, { force: true });
  // Loaded here, not at the top: the kernel imports this file for the client and must not load playwright.
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const local = opts.render ? null : (require("./render") as typeof import("./render"));
  const render = opts.render ?? ((fig: unknown, box: RenderSize) => local!.renderStaticLocally(fig, box));
  let rendered = 0;
  let failed = 0;

  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/health") {
      reply(res, 200, { ok: true, rendered, failed, pid: process.pid });
      return;
    }
    if (req.method !== "POST" || req.url !== "/render") {
      reply(res, 404, { error: `render service: no route ${req.method} ${req.url} (use POST /render)` });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size <= MAX_BODY) chunks.push(c);
    });
    req.on("end", () => {
      void (async () => {
        try {
          if (size > MAX_BODY) throw new BadRequest(`render service: request of ${size} bytes exceeds the limit of ${MAX_BODY}`);
          const { figure, size: box } = parseRequest(Buffer.concat(chunks).toString("utf8"));
          const images = await render(figure, box);
          rendered++;
          reply(res, 200, images);
        } catch (e) {
          failed++;
          reply(res, e instanceof BadRequest ? 400 : 500, { error: (e as Error).message });
        }
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => {
      server.off("error", reject);
      resolve();
    });
  });
  if (local && opts.warm !== false) local.warmUp().catch(() => undefined); // failures surface per request
  let closed = false;
  return {
    socketPath,
    env: { [RENDER_SERVICE_ENV]: socketPath },
    stats: () => ({ rendered, failed }),
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (local) {
        // eslint-disable-next-line @typescript-eslint/no-var-requires
        await (require("./browser") as typeof import("./browser")).closeBrowser();
      }
      fs.rmSync(socketPath, { force: true });
      if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Why a request could not reach the service at all (then the caller renders locally). */
export class ServiceUnreachable extends Error {}

/**
 * Renders through the service at `socketPath`. Rejects with {@link ServiceUnreachable} when nothing
 * listens there, and with the service's message when it refused or failed the figure.
 */
export function renderViaService(socketPath: string, fig: unknown, size: RenderSize, timeoutMs = 90_000): Promise<StaticImages> {
  const body = JSON.stringify({ figure: fig, width: size.width, height: size.height });
  return new Promise<StaticImages>((resolve, reject) => {
    const req = http.request(
      // agent: false — no kept-alive socket that may outlive the service.
      { socketPath, agent: false, path: "/render", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          let value: Record<string, unknown>;
          try {
            value = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>;
          } catch {
            reject(new Error(`render service at ${socketPath} answered ${res.statusCode} with a body that is not JSON`));
            return;
          }
          if (res.statusCode === 200) resolve(value as unknown as StaticImages);
          else reject(new Error(String(value.error ?? `render service answered ${res.statusCode}`)));
        });
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`static rendering took longer than ${timeoutMs / 1000} s`)));
    req.on("error", (e: NodeJS.ErrnoException) => {
      // Nothing listens (ENOENT, ECONNREFUSED), or the service went away mid-request (EPIPE, ECONNRESET).
      if (e.code && ["ENOENT", "ECONNREFUSED", "EPIPE", "ECONNRESET"].includes(e.code)) reject(new ServiceUnreachable(`no render service at ${socketPath} (${e.code})`));
      else reject(e);
    });
    req.end(body);
  });
}
