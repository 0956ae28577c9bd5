/**
 * The project's tslab kernel: the kernelspec's argv points here, not at a `tslab` on PATH.
 *
 * It starts the project-local tslab (so the display bridge in `display.ts` reaches the same
 * `lastWriteDisplayData` the kernel writes with) and fixes the one thing tslab gets wrong for a
 * test-running project: tslab installs `uncaughtException` / `unhandledRejection` handlers that
 * only log, so a cell whose promise rejects unobserved still replies `status: "ok"`.
 *
 * Here such an error fails the cell it happened in (or, if it surfaces after that cell replied,
 * the next cell to run), with the error's stack on that cell's stderr and the marker
 * {@link ASYNC_ERROR_MARKER}, which the runner looks for.
 *
 * Usage (what kernel.json runs): `node dist/kernel/launch.js --config-path CONNECTION_FILE [--js]`
 */
import { closeBrowser } from "./browser";
import { CellOutput, outputLimitFromEnv } from "./cell-output";
import { beginExecution, installExecuteInput } from "./execute-input";
import { installLosslessIopub } from "./iopub";
import { ASYNC_ERROR_MARKER } from "./protocol";
import { watchParent } from "./parent-watch";

interface TslabExecutionCount {
  count: number;
}
type WriteStream = (name: "stdout" | "stderr", text: string) => void;
type WriteDisplayData = (msg: unknown, update: boolean) => void;
interface TslabHandlerPrototype {
  handleExecuteImpl(this: unknown, req: unknown, writeStream: WriteStream, writeDisplayData: WriteDisplayData): Promise<TslabExecutionCount>;
}

const pending: string[] = [];

function describe(kind: string, err: unknown): string {
  const text = err instanceof Error ? err.stack ?? `${err.name}: ${err.message}` : String(err);
  return `${ASYNC_ERROR_MARKER} ${kind}: ${text}`;
}

function parseArgs(argv: string[]): { configPath: string; jsKernel: boolean } {
  let configPath = "";
  let jsKernel = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--config-path") configPath = argv[++i] ?? "";
    else if (a.startsWith("--config-path=")) configPath = a.slice("--config-path=".length);
    else if (a === "--js") jsKernel = true;
    else if (a === "kernel") continue;
    else throw new Error(`elbo-lab kernel: unknown argument ${JSON.stringify(a)}`);
  }
  if (!configPath) throw new Error("elbo-lab kernel: --config-path CONNECTION_FILE is required");
  return { configPath, jsKernel };
}

/**
 * Ends the kernel so that nothing it started outlives it: the cell's last output is sent, this
 * process's Chromium is closed (playwright then removes its profile folder; at most 2 s), and the
 * `exit` handlers run (./render.ts removes its page folder, playwright kills a browser that did not
 * close). Used when the parent is gone; a normal shutdown and SIGTERM close the browser through
 * ./browser.ts.
 */
async function exitCleanly(code: number, flush: () => void): Promise<never> {
  try {
    flush();
  } catch {
    /* the sockets may be closed already */
  }
  await Promise.race([closeBrowser(), new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
  process.exit(code);
}

/** Waits one macrotask, so that Node has reported every rejection left unhandled by the cell. */
function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

function main(): void {
  const { configPath, jsKernel } = parseArgs(process.argv.slice(2));
  process.env.ELBO_LAB_KERNEL = "1";

  const onRejection = (reason: unknown) => pending.push(describe("unhandled promise rejection", reason));
  const onException = (err: unknown) => pending.push(describe("uncaught exception", err));

  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const jupyter = require("tslab/dist/jupyter") as { JupyterHandlerImpl: { prototype: TslabHandlerPrototype }; ZmqServer: { prototype: unknown } };
  installExecuteInput(jupyter);
  installLosslessIopub(jupyter);
  const outputLimit = outputLimitFromEnv();
  let lastOutput: CellOutput | null = null;
  process.on("exit", () => {
    try {
      lastOutput?.end(); // what a cell printed just before process.exit
    } catch {
      /* the sockets are closed already */
    }
  });
  const proto = jupyter.JupyterHandlerImpl.prototype;
  const original = proto.handleExecuteImpl;
  proto.handleExecuteImpl = async function (req, writeStream, writeDisplayData) {
    beginExecution(this, req); // execute_input, which tslab never sends: see ./execute-input.ts
    // The cell's stdout/stderr, coalesced and capped (./cell-output.ts); a display output first
    // sends the text before it. The previous cell's late output is settled first.
    lastOutput?.end();
    const out = (lastOutput = new CellOutput(writeStream, { limitBytes: outputLimit }));
    const write: WriteStream = (name, text) => out.write(name, text);
    const display: WriteDisplayData = (msg, update) => {
      out.flush();
      writeDisplayData(msg, update);
    };
    const run = async (r: unknown): Promise<TslabExecutionCount> => {
      try {
        return await original.call(this, r, write, display);
      } finally {
        out.end();
      }
    };
    if (pending.length > 0) {
      // An error surfaced after the previous cell had replied: it belongs to no running cell,
      // so fail this one rather than lose it. (tslab has already routed stdout/stderr to it.)
      const earlier = pending.splice(0);
      const count = await run({ code: "" });
      writeStream("stderr", `An earlier cell left an asynchronous error behind:\n${earlier.join("\n")}\n`);
      throw count;
    }
    const count = await run(req);
    await settle();
    if (pending.length > 0) {
      out.end(); // what the cell wrote meanwhile, before the error
      writeStream("stderr", pending.splice(0).join("\n") + "\n");
      throw count;
    }
    return count;
  };

  // tslab's own handlers (which only log) are never installed: see start().
  process.on("unhandledRejection", onRejection);
  process.on("uncaughtException", onException);
  // Die with whoever started the kernel (nbclient's executor, or Jupyter): see parent-watch.ts.
  watchParent((from, to) => {
    process.stderr.write(`elbo-lab kernel: parent process ${from} is gone (now ${to}); exiting\n`);
    void exitCleanly(1, () => lastOutput?.end());
  });
  start(configPath, jsKernel).catch((e: unknown) => {
    process.stderr.write(`elbo-lab kernel: could not start: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
    process.exit(1);
  });
}

interface TslabConverter {
  close(): void;
}

/**
 * tslab's `startKernel` (tslab/dist/main.js, 1.0.22) with one change of order: the sockets are
 * bound first and the TypeScript converter is built after, while Jupyter's client connects.
 * tslab builds the converter first (about 0.9 s here: it parses lib.es2022 and @types/node), so
 * Jupyter's client, whose sockets try to connect from the spawn on, only reached the kernel
 * after the build plus ZeroMQ's reconnect interval, by which time jupyter_client's
 * `wait_for_ready` had usually given up its first one-second wait and was asking again.
 * Measured (`npm run bench -- --only kernel`, bench/kernel-start/RESULTS.md): ready in 1.95 s with
 * `tslab kernel`, 1.71 s with this order (a second run, on a slower spell of the machine: 2.07 s and
 * 1.89 s). The kernel still answers `kernel_info` only once the converter is built (the build is
 * synchronous), so "ready" means the same as before.
 *
 * Tried and not kept (2026-12-02): building the converter after the first `kernel_info` reply made
 * "ready" 0.98 s but the first cell's reply 0.28 s later than now (jupyter_client asks again when
 * IOPub was not yet connected, and its 0.2 s wait then falls before the build instead of during it);
 * a V8 code cache for tslab's TypeScript (8 MB) saved about 0.05 s of 1.6 s (median of 10 pairs).
 */
async function start(configPath: string, jsKernel: boolean): Promise<void> {
  /* eslint-disable @typescript-eslint/no-var-requires */
  const { createConverter } = require("tslab/dist/converter") as { createConverter(o: { isJS: boolean; isBrowser: boolean }): TslabConverter };
  const { createExecutor } = require("tslab/dist/executor") as {
    createExecutor(root: string, convs: unknown, console: { log: (...a: unknown[]) => void; error: (...a: unknown[]) => void }): { interrupt(): void };
  };
  const jupyter = require("tslab/dist/jupyter") as {
    ZmqServer: new (handler: unknown, configPath: string) => { init(): Promise<void> };
    JupyterHandlerImpl: new (executor: unknown, jsKernel: boolean) => unknown;
  };
  /* eslint-enable @typescript-eslint/no-var-requires */
  let node: TslabConverter | undefined;
  let browser: TslabConverter | undefined;
  const convs = {
    get node(): TslabConverter {
      return (node ??= createConverter({ isJS: jsKernel, isBrowser: false }));
    },
    get browser(): TslabConverter {
      return (browser ??= createConverter({ isJS: jsKernel, isBrowser: true }));
    },
    close(): void {
      node?.close();
      browser?.close();
    },
  };
  const executor = createExecutor(process.cwd(), convs, { log: console.log, error: console.error });
  const server = new jupyter.ZmqServer(new jupyter.JupyterHandlerImpl(executor, jsKernel), configPath);
  process.on("SIGINT", () => executor.interrupt());
  await server.init();
  void convs.node; // build the converter now, with the sockets already listening
}

main();
