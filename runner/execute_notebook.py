"""Executes one notebook through nbclient (the executor behind `jupyter nbconvert --execute`).

Called by the runner (runner/run.ts), one process per notebook:

    python3 runner/execute_notebook.py IN.ipynb OUT.ipynb REPORT.json --cell-timeout S

It never writes IN. It writes OUT (the executed copy, also when a cell fails) and REPORT, one JSON
object: status ("ok" | "failed" | "invalid"), kind of failure, the failing cell's index, its source
and the kernel's own error text (tslab sends no `error` output: the type-checker message or stack is
on the cell's stderr stream). Once the kernel is up it prints `KERNEL_PID <pid>` on stdout so the
runner can kill the kernel's process group if this process is itself killed.

It dies with the runner (issue 15): on Linux the kernel delivers SIGTERM when the runner dies
(prctl PR_SET_PDEATHSIG), and a watcher thread checks getppid() elsewhere; either way this process
stops its kernel and writes nothing, since a runner that was killed reads no results and a later run
must never find its build folder written by an orphan.
"""
import argparse
import asyncio
import json
import logging
import os
import signal
import sys
import threading
import time

ASYNC_ERROR_MARKER = "[elbo-lab:async-error]"
# Start of the line the kernel writes where it cut a cell's output at its per-cell limit
# (kernel/cell-output.ts; the same string as OUTPUT_TRUNCATED_MARKER in kernel/protocol.ts).
OUTPUT_TRUNCATED_MARKER = "… output truncated by ELBO Lab:"
# Code the runner sends after the last cell (never written to the notebook): it lets any asynchronous
# error that surfaces after the last cell replied reach the kernel launcher, which then fails it.
FLUSH_CODE = "await new Promise((resolve) => setTimeout(resolve, 100));"


def write_json(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(obj, f, indent=1, ensure_ascii=False)
    os.replace(tmp, path)


def stream_text(cell, name):
    return "".join(o.get("text", "") for o in cell.get("outputs", []) if o.get("output_type") == "stream" and o.get("name") == name)


def truncation_notices(cell):
    """The kernel's notice lines in this cell's stream outputs (one per cut)."""
    text = stream_text(cell, "stderr")
    return [line for line in text.splitlines() if line.startswith(OUTPUT_TRUNCATED_MARKER)]


class IopubTimeouts(logging.Handler):
    """Counts nbclient's "Timeout waiting for IOPub output": it stopped reading a cell's output
    `iopub_timeout` seconds after the reply, and whatever came later is missing from the copy."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record):
        if "Timeout waiting for IOPub output" in record.getMessage():
            self.count += 1


def runner_pid():
    """The runner that started this process (ELBO_LAB_RUNNER_PID), else the parent at start."""
    try:
        return int(os.environ.get("ELBO_LAB_RUNNER_PID", ""))
    except ValueError:
        return os.getppid()


def orphaned(parent):
    return os.getppid() != parent


def die_with_parent(parent):
    """SIGTERM this process when `parent` dies: prctl on Linux, and a polling thread everywhere."""
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        PR_SET_PDEATHSIG = 1
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except Exception:
        pass  # not Linux: the thread below still notices

    def watch():
        while not orphaned(parent):
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)
    threading.Thread(target=watch, daemon=True).start()
    if orphaned(parent):  # the runner died before the watch was set up
        sys.exit(1)


def main():
    parent = runner_pid()
    die_with_parent(parent)
    ap = argparse.ArgumentParser()
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("report")
    ap.add_argument("--cell-timeout", type=int, default=300)
    ap.add_argument("--startup-timeout", type=int, default=60)
    ap.add_argument("--kernel", default=None, help="override the notebook's kernelspec name")
    ap.add_argument("--cwd", default=None, help="the kernel's working folder (default: the input's folder; the runner passes the source's folder when it runs a prepared copy)")
    args = ap.parse_args()

    report = {"notebook": args.input, "status": "ok", "kind": None, "message": None, "cell": None,
              "cellsTotal": 0, "cellsRun": 0, "kernelStartSeconds": None, "cellSeconds": [], "seconds": 0,
              "truncatedOutputs": []}

    try:
        import nbformat
        from nbclient import NotebookClient
        from nbclient.exceptions import CellTimeoutError, DeadKernelError
        from jupyter_client.kernelspec import NoSuchKernel
    except ImportError as e:
        report.update(status="invalid", kind="no-jupyter", message=f"this Python ({sys.executable}) lacks Jupyter: {e}")
        write_json(args.report, report)
        return 0

    try:
        with open(args.input, encoding="utf-8") as f:
            nb = nbformat.read(f, as_version=4)
        nbformat.validate(nb)
    except FileNotFoundError:
        report.update(status="invalid", kind="missing", message="no such file")
        write_json(args.report, report)
        return 0
    except Exception as e:  # JSON or schema error
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        report.update(status="invalid", kind="invalid-notebook", message=f"not a valid nbformat 4 notebook: {first}")
        write_json(args.report, report)
        return 0

    kernel_name = args.kernel or nb.metadata.get("kernelspec", {}).get("name")
    if not kernel_name:
        report.update(status="invalid", kind="no-kernelspec", message="metadata.kernelspec.name is missing (expected \"tslab\")")
        write_json(args.report, report)
        return 0

    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip()]
    report["cellsTotal"] = len(code_cells)
    replies = {}

    def on_cell_executed(cell, cell_index, execute_reply):
        replies[cell_index] = execute_reply

    client = NotebookClient(nb, timeout=args.cell_timeout, startup_timeout=args.startup_timeout,
                            kernel_name=kernel_name, allow_errors=True, record_timing=False,
                            resources={"metadata": {"path": args.cwd or os.path.dirname(os.path.abspath(args.input))}},
                            on_cell_executed=on_cell_executed)

    iopub_timeouts = IopubTimeouts()
    client.log.addHandler(iopub_timeouts)

    def fail(kind, index, message, stderr=""):
        client.shutdown_kernel = "immediate"  # a hung or broken kernel need not be asked nicely
        cell = nb.cells[index] if index is not None and index >= 0 else None
        report.update(status="failed", kind=kind, message=message,
                      cell={"index": index, "source": cell.source if cell is not None else FLUSH_CODE,
                            "stderr": stderr})

    stopping = []

    def terminate(signum, frame):
        if stopping:  # once: a second SIGTERM (death signal and watcher) must not abort the cleanup
            return
        stopping.append(signum)
        raise KeyboardInterrupt(f"signal {signum}")
    signal.signal(signal.SIGTERM, terminate)

    t0 = time.monotonic()
    try:
        client.km = client.create_kernel_manager()
        try:
            client.start_new_kernel()
        except NoSuchKernel:
            report.update(status="invalid", kind="unknown-kernel",
                          message=f"kernel \"{kernel_name}\" is not installed (run `npm run kernel:install`; notebooks here use \"tslab\")")
            return 0
        client.start_new_kernel_client()
        pid = getattr(getattr(client.km, "provisioner", None), "pid", None) or getattr(client.km, "kernel", None) and client.km.kernel.pid
        print(f"KERNEL_PID {pid}", flush=True)
        report["kernelStartSeconds"] = round(time.monotonic() - t0, 3)

        cells = list(code_cells) + [-1]
        for index in cells:
            if index == -1:
                cell = nbformat.v4.new_code_cell(FLUSH_CODE)
            else:
                cell = nb.cells[index]
            t = time.monotonic()
            try:
                client.execute_cell(cell, index if index >= 0 else len(nb.cells))
            except CellTimeoutError:
                fail("timeout", index, f"cell did not finish within {args.cell_timeout:g} s", stream_text(cell, "stderr"))
                break
            except DeadKernelError:
                fail("kernel-died", index, "the kernel died while running this cell (e.g. process.exit or a crash)",
                     stream_text(cell, "stderr"))
                break
            if index >= 0 and iopub_timeouts.count > 0:
                iopub_timeouts.count = 0
                notice = (f"{OUTPUT_TRUNCATED_MARKER} the rest of this cell's output did not arrive within "
                          f"{client.iopub_timeout} s of its reply (nbclient's iopub_timeout) and is missing here")
                cell.outputs.append(nbformat.v4.new_output("stream", name="stderr", text=notice + "\n"))
            if index >= 0:
                report["cellSeconds"].append(round(time.monotonic() - t, 3))
                report["cellsRun"] += 1
                for notice in truncation_notices(cell):
                    report["truncatedOutputs"].append({"index": index, "notice": notice})
            reply = replies.get(index if index >= 0 else len(nb.cells))
            status = reply["content"].get("status") if reply else None
            err = stream_text(cell, "stderr")
            if status != "ok":
                kind = "async-error" if ASYNC_ERROR_MARKER in err else "error"
                if index == -1:
                    fail(kind, -1, "an asynchronous error surfaced after the last cell had finished", err)
                else:
                    fail(kind, index, f"the cell failed (execute_reply status {status!r})", err)
                break
    except KeyboardInterrupt as e:
        report.update(status="failed", kind="interrupted", message=f"stopped by the runner ({e})")
    finally:
        try:
            client._cleanup_kernel()
        except Exception:
            pass
        if orphaned(parent):
            return 1  # the runner is gone: its staging folder is no one's to write
        nbformat.write(nb, args.output)
        report["seconds"] = round(time.monotonic() - t0, 3)
        write_json(args.report, report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
