/**
 * A cell's stdout/stderr on its way to Jupyter: coalesced into few messages, and capped with a
 * visible notice (issue 15).
 *
 * Why: tslab sends every `console.log` as its own IOPub `stream` message. zeromq.js sends at most
 * 512 messages on a socket without the event loop turning (`max_sync_operations`, zeromq 6
 * src/socket.cc); after that one send is deferred and every further send throws EBUSY ("Socket is
 * busy writing"), and Node's `console.log` swallows errors thrown by its stream. A cell printing
 * 200,000 lines in a loop kept its first ~500 with status ok. Even when every send goes through,
 * nbclient stops reading a cell's output 4 s after its reply (`iopub_timeout`), which 200,000 small
 * messages outlast (measured: 20,032 of 200,000 lines kept).
 *
 * So here a cell's text is gathered into messages of up to {@link CellOutputOptions.chunkBytes},
 * sent at least every {@link CellOutputOptions.flushMs} while text arrives (a long synchronous loop
 * still shows its progress), and before any display output (order is kept). A cell shows at most
 * {@link CellOutputOptions.limitBytes} of stream text: its beginning, then the notice line
 * (`… output truncated by ELBO Lab: N more lines (X MB) not shown; …`, starting with
 * {@link OUTPUT_TRUNCATED_MARKER}, on stderr), then its last {@link CellOutputOptions.tailBytes}
 * (where a final result or an error's stack is). Memory stays bounded: the text cut away is only
 * counted, never kept.
 *
 * Output that arrives after the cell replied (a timer, a late promise) still goes to that cell, as
 * Jupyter's own kernels do, under the same limit; its notice follows once it goes quiet.
 */
import { OUTPUT_TRUNCATED_MARKER } from "./protocol";

export type StreamName = "stdout" | "stderr";
export type StreamSender = (name: StreamName, text: string) => void;

export interface CellOutputOptions {
  /** Stream text shown per cell, in UTF-8 bytes (beginning and end together). */
  limitBytes: number;
  /** Of that, how much of the end is kept for after the notice. */
  tailBytes: number;
  /** Largest message gathered before it is sent. */
  chunkBytes: number;
  /** Longest time text waits before it is sent, in ms. */
  flushMs: number;
  /** Clock, for tests. */
  now: () => number;
  /** Timer, for tests: runs `fn` after `ms` (never keeping the process alive). */
  later: (fn: () => void, ms: number) => void;
}

/** Environment variable that sets {@link CellOutputOptions.limitBytes} (bytes). */
export const OUTPUT_LIMIT_ENV = "ELBO_LAB_OUTPUT_LIMIT";
/** 1 MB: the largest stream output of any notebook cell here is under 200 bytes. */
export const DEFAULT_OUTPUT_LIMIT = 1_000_000;

const defaults: CellOutputOptions = {
  limitBytes: DEFAULT_OUTPUT_LIMIT,
  tailBytes: 32_000,
  chunkBytes: 64 * 1024,
  flushMs: 50,
  now: Date.now,
  later: (fn, ms) => setTimeout(fn, ms).unref(),
};

/**
 * The limit from {@link OUTPUT_LIMIT_ENV}, else the default. A value that is not a positive
 * integer number of bytes is an error naming it.
 */
export function outputLimitFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env[OUTPUT_LIMIT_ENV];
  if (raw === undefined || raw === "") return DEFAULT_OUTPUT_LIMIT;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1000) throw new Error(`${OUTPUT_LIMIT_ENV}=${JSON.stringify(raw)}: expected a whole number of bytes, at least 1000`);
  return n;
}

/** `12.3 MB`, `45.6 KB`, `789 bytes` (decimal units). */
export function formatBytes(n: number): string {
  if (n >= 1e6) return `${Number((n / 1e6).toFixed(1))} MB`;
  if (n >= 1e3) return `${Number((n / 1e3).toFixed(1))} KB`;
  return `${n} bytes`;
}

/** The notice line (without its newline). */
export function truncationNotice(lines: number, bytes: number, limitBytes: number, tailBytes: number): string {
  return (
    `${OUTPUT_TRUNCATED_MARKER} ${lines.toLocaleString("en-US")} more line${lines === 1 ? "" : "s"} (${formatBytes(bytes)}) not shown; ` +
    `limit is ${formatBytes(limitBytes)} of output per cell (its beginning, and its last ${formatBytes(tailBytes)} below); ` +
    `${OUTPUT_LIMIT_ENV} sets it`
  );
}

function newlines(text: string): number {
  let n = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++;
  return n;
}

/** The longest prefix of `text` of at most `bytes` UTF-8 bytes, ending after a newline if one is in it. */
function prefixWithin(text: string, bytes: number): string {
  if (bytes <= 0) return "";
  let head = text.slice(0, bytes); // at least `bytes` bytes unless all ASCII: shrink to fit
  while (head.length > 0 && Buffer.byteLength(head) > bytes) head = head.slice(0, Math.max(0, head.length - Math.ceil((Buffer.byteLength(head) - bytes) / 3)));
  const nl = head.lastIndexOf("\n");
  return nl >= 0 ? head.slice(0, nl + 1) : head;
}

interface Segment {
  name: StreamName;
  text: string;
}

export class CellOutput {
  private readonly opts: CellOutputOptions;
  private readonly headLimit: number;
  private shown = 0;
  private cut = false;
  private ended = false;
  private pending: Segment | null = null;
  private pendingBytes = 0;
  private lastSend: number;
  private timerSet = false;
  private endsWithNewline = true;
  // The part cut from the beginning: counted; its last tailBytes kept.
  private cutBytes = 0;
  private cutLines = 0;
  private tail: Segment[] = [];
  private tailLength = 0; // UTF-16 units, an upper bound on nothing and a lower bound on bytes
  private tailTrimmed = false;

  constructor(private readonly send: StreamSender, options: Partial<CellOutputOptions> = {}) {
    this.opts = { ...defaults, ...options };
    if (!(this.opts.tailBytes >= 0 && this.opts.tailBytes < this.opts.limitBytes)) {
      throw new Error(`CellOutput: tailBytes ${this.opts.tailBytes} must be below limitBytes ${this.opts.limitBytes}`);
    }
    this.headLimit = this.opts.limitBytes - this.opts.tailBytes;
    this.lastSend = this.opts.now();
  }

  /** What `process.stdout.write` / `process.stderr.write` hand over. */
  write(name: StreamName, text: string): void {
    if (text.length === 0) return;
    if (!this.cut) {
      const bytes = Buffer.byteLength(text);
      if (this.shown + bytes <= this.headLimit) {
        this.queue(name, text, bytes);
      } else {
        const head = prefixWithin(text, this.headLimit - this.shown);
        if (head.length > 0) this.queue(name, head, Buffer.byteLength(head));
        this.cut = true;
        this.keepTail(name, text.slice(head.length));
      }
    } else {
      this.keepTail(name, text);
    }
    if (this.pendingBytes >= this.opts.chunkBytes || this.opts.now() - this.lastSend >= this.opts.flushMs) this.flush();
    if (this.pending || (this.ended && this.cutBytes > 0)) this.wake();
  }

  /** Sends what is gathered (call before a display output, so that order is kept). */
  flush(): void {
    if (!this.pending) return;
    const { name, text } = this.pending;
    this.pending = null;
    this.pendingBytes = 0;
    this.lastSend = this.opts.now();
    this.endsWithNewline = text.endsWith("\n");
    this.send(name, text);
  }

  /** The cell replied: send everything, with the notice if text was cut. Output may still follow. */
  end(): void {
    this.ended = true;
    this.settle();
  }

  /** Bytes and lines cut so far and not yet reported (for tests). */
  get cutSoFar(): { bytes: number; lines: number } {
    return { bytes: this.cutBytes, lines: this.cutLines };
  }

  private queue(name: StreamName, text: string, bytes: number): void {
    if (this.pending && this.pending.name !== name) this.flush();
    if (this.pending) this.pending.text += text;
    else this.pending = { name, text };
    this.pendingBytes += bytes;
    this.shown += bytes;
  }

  private keepTail(name: StreamName, text: string): void {
    if (text.length === 0) return;
    this.cutBytes += Buffer.byteLength(text);
    this.cutLines += newlines(text);
    this.tail.push({ name, text }); // merged when sent (appending here would copy the tail each time)
    this.tailLength += text.length;
    // Keep about tailBytes: in UTF-16 units, which never exceed the bytes they encode.
    while (this.tailLength > this.opts.tailBytes && this.tail.length > 0) {
      const first = this.tail[0];
      const excess = this.tailLength - this.opts.tailBytes;
      if (first.text.length <= excess) {
        this.tail.shift();
        this.tailLength -= first.text.length;
      } else {
        first.text = first.text.slice(excess);
        this.tailLength -= excess;
      }
      this.tailTrimmed = true;
    }
  }

  private wake(): void {
    if (this.timerSet) return;
    this.timerSet = true;
    this.opts.later(() => {
      this.timerSet = false;
      if (this.ended) this.settle();
      else this.flush();
    }, this.opts.flushMs);
  }

  /** Flush, then the notice and the kept end if anything was cut. */
  private settle(): void {
    this.flush();
    if (this.cutBytes === 0) return;
    let segments = this.tail;
    if (this.tailTrimmed) {
      // Start the kept end at a line's start.
      const first = segments[0];
      const nl = first ? first.text.indexOf("\n") : -1;
      if (first && nl >= 0 && nl + 1 < first.text.length) segments = [{ name: first.name, text: first.text.slice(nl + 1) }, ...segments.slice(1)];
      else if (first && nl >= 0) segments = segments.slice(1);
    }
    const keptBytes = segments.reduce((a, s) => a + Buffer.byteLength(s.text), 0);
    const keptLines = segments.reduce((a, s) => a + newlines(s.text), 0);
    const lostBytes = this.cutBytes - keptBytes;
    const lostLines = this.cutLines - keptLines;
    this.cutBytes = 0;
    this.cutLines = 0;
    this.tail = [];
    this.tailLength = 0;
    this.tailTrimmed = false;
    if (lostBytes > 0) {
      const notice = truncationNotice(lostLines, lostBytes, this.opts.limitBytes, this.opts.tailBytes);
      this.emit("stderr", `${this.endsWithNewline ? "" : "\n"}${notice}\n`);
    }
    const merged: Segment[] = [];
    for (const s of segments) {
      const last = merged[merged.length - 1];
      if (last && last.name === s.name) last.text += s.text;
      else merged.push({ ...s });
    }
    for (const s of merged) this.emit(s.name, s.text);
  }

  private emit(name: StreamName, text: string): void {
    this.lastSend = this.opts.now();
    this.endsWithNewline = text.endsWith("\n");
    this.send(name, text);
  }
}
