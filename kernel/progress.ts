/**
 * Progress of a long cell (training, a big sweep), updated in place: one display whose text says how
 * far, how fast and how long is left, with a live curve of a tracked value (e.g. the ELBO) where it
 * helps. Updates are throttled (default every 250 ms); the executed notebook keeps only the final
 * state, because nbclient applies `update_display_data` to the output in place.
 *
 * @example const p = progress({ total: steps, label: "training", value: "ELBO" });
 *   for (let i = 0; i < steps; i++) { …; p.update(i + 1, elbo); }
 *   p.done();
 */
import { PALETTE, type Role } from "../src/figures/palette";
import { emit, inKernel, newDisplayId } from "./output";

export interface ProgressOptions {
  total: number;
  label?: string;
  /** Name of the value passed to update (shown and drawn as a curve), e.g. "ELBO (nats)". */
  value?: string;
  /** Colour of the curve by role (default "elbo"). */
  role?: Role;
  /** Minimum milliseconds between updates (default 250). */
  every?: number;
  /** Clock, for tests. */
  now?: () => number;
}

export interface Progress {
  /** `done` items of `total` finished; `value` is the tracked quantity now. */
  update(done: number, value?: number): void;
  /** Final state (always emitted); `note` is added to the line. */
  done(note?: string): void;
  readonly displayId: string;
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "–";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${String(r).padStart(2, "0")}` : `${m}:${String(r).padStart(2, "0")}`;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(5))) : String(v);
}

/** Downsamples to at most n points by taking the last point of each bucket (keeps the end exact). */
function thin(points: Array<[number, number]>, n: number): Array<[number, number]> {
  if (points.length <= n) return points;
  const out: Array<[number, number]> = [];
  const step = points.length / n;
  for (let k = 1; k <= n; k++) out.push(points[Math.min(points.length - 1, Math.ceil(k * step) - 1)]);
  return out;
}

export function sparkline(points: Array<[number, number]>, color: string, label: string, width = 420, height = 90): string {
  const finite = points.filter(([, y]) => Number.isFinite(y));
  if (finite.length < 2) return "";
  const pts = thin(finite, 300);
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (y0 === y1) [y0, y1] = [y0 - 1, y1 + 1];
  const L = 60;
  const T = 8;
  const W = width - L - 8;
  const H = height - T - 18;
  const sx = (x: number) => L + (x1 === x0 ? W : ((x - x0) / (x1 - x0)) * W);
  const sy = (y: number) => T + (1 - (y - y0) / (y1 - y0)) * H;
  const poly = pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${label}" style="font:11px sans-serif">` +
    `<rect x="${L}" y="${T}" width="${W}" height="${H}" fill="none" stroke="#ccc"/>` +
    `<text x="${L - 4}" y="${T + 8}" text-anchor="end">${fmt(y1)}</text>` +
    `<text x="${L - 4}" y="${T + H}" text-anchor="end">${fmt(y0)}</text>` +
    `<text x="${L}" y="${height - 4}">${fmt(x0)}</text><text x="${L + W}" y="${height - 4}" text-anchor="end">${fmt(x1)}</text>` +
    `<text x="${L + W / 2}" y="${height - 4}" text-anchor="middle">${label}</text>` +
    `<polyline fill="none" stroke="${color}" stroke-width="2" points="${poly}"/></svg>`
  );
}

export function progress(opts: ProgressOptions): Progress {
  if (!(Number.isFinite(opts.total) && opts.total > 0)) throw new RangeError(`progress: total must be a positive number, got ${opts.total}`);
  const now = opts.now ?? (() => Date.now());
  const every = opts.every ?? 250;
  const label = opts.label ?? "progress";
  const color = PALETTE[opts.role ?? "elbo"];
  const displayId = newDisplayId("elbo-lab-progress");
  const live = inKernel();
  const start = now();
  let last = -Infinity;
  let doneCount = 0;
  let latest: number | undefined;
  let finished = false;
  const points: Array<[number, number]> = [];

  const line = (note?: string) => {
    const elapsed = (now() - start) / 1000;
    const rate = elapsed > 0 ? doneCount / elapsed : 0;
    const eta = rate > 0 ? (opts.total - doneCount) / rate : NaN;
    const pct = Math.min(100, (100 * doneCount) / opts.total);
    const parts = [`${label}: ${doneCount}/${opts.total} (${pct.toFixed(0)}%)`, `${rate >= 100 ? rate.toFixed(0) : rate.toPrecision(3)} it/s`];
    parts.push(finished ? `took ${clock(elapsed)}` : `elapsed ${clock(elapsed)}, ETA ${clock(eta)}`);
    if (latest !== undefined && opts.value) parts.push(`${opts.value} ${fmt(latest)}`);
    if (note) parts.push(note);
    return { text: parts.join(" · "), pct };
  };

  const send = (update: boolean, note?: string) => {
    const { text, pct } = line(note);
    const bar =
      `<div style="width:420px;height:8px;background:#eee;border-radius:4px;margin:4px 0">` +
      `<div style="width:${pct.toFixed(1)}%;height:8px;background:${color};border-radius:4px"></div></div>`;
    const curve = opts.value ? sparkline(points, color, `${opts.value} against items done`) : "";
    const html = `<div class="elbo-lab-progress"><div style="font-family:monospace">${text.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</div>${bar}${curve}</div>`;
    emit({ "text/html": html, "text/plain": text }, { displayId, update });
  };

  if (live) send(false);
  return {
    displayId,
    update(done: number, value?: number) {
      if (finished) return;
      doneCount = done;
      if (value !== undefined) {
        latest = value;
        if (opts.value) points.push([done, value]);
      }
      const t = now();
      if (live && t - last >= every) {
        last = t;
        send(true);
      }
    },
    done(note?: string) {
      if (finished) return;
      finished = true;
      send(live, note);
    },
  };
}
