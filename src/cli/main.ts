import { readFileSync } from "node:fs";
import { InvalidParameterError } from "../dists/errors";
import { SupportMismatchError } from "../elbo/support";
import { evaluateSpec } from "../spec/evaluate";
import { parseEvaluateSpec, SpecError } from "../spec/spec";
import { formatTable } from "./format";

/** Exit status for a bad spec or bad usage. */
export const EXIT_USAGE = 2;
/** Exit status for an unexpected internal error (a bug). */
export const EXIT_INTERNAL = 1;

/** The text `elbo-lab --help` prints. */
export const USAGE = `Usage: elbo-lab evaluate [--json] SPEC.json
       elbo-lab evaluate [--json] -          (read the spec from standard input)
       elbo-lab --help

Evaluates a model and an approximation q: log p(x), the ELBO and its parts (exact, by closed
form or quadrature), KL(q || posterior), a Monte Carlo ELBO and importance-weighted bounds.

Spec (JSON):
  {"model": {"kind": "normal-normal", "priorMean": 0, "priorSd": 1, "noiseSd": 0.5, "data": [0.8, 1.1]},
   "q": {"kind": "normal", "mean": 0.3, "sd": 0.4},
   "samples": 100000, "seed": 1, "iwaeK": [1, 10, 100]}

  model.kind  normal-normal | squared-normal  (priorMean, priorSd, noiseSd, data: numbers)
              beta-bernoulli                   (priorA, priorB, data: 0/1 values)
  q.kind      normal (mean, sd) | beta (a, b); q's support must fit the latent's
  samples     Monte Carlo draws, also the budget per K for IWAE (default 100000, at most 10^7:
              about 1.5 s per million draws per estimate for a Beta q, less for a Normal q)
  seed        integer seed, |seed| <= 2^53 - 1 (default 1)
  iwaeK       list of K, each <= samples/2: floor(samples/K) groups of K draws
              (default [1, 10, 100], leaving out those above samples/2)

Ranges handled (outside them a term overflows a double; the spec is refused naming the field):
  normal-normal   |locations| <= 1e50, standard deviations in [1e-50, 1e50]
  squared-normal  |locations| <= 1e15, standard deviations in [1e-15, 1e15], and no posterior
                  mode or q narrower than 1e-7 of its location (the quadratures could not resolve it)
  beta-bernoulli  every Beta shape in [1e-100, 1e100]
An estimate whose draws cannot be trusted (non-finite, or more than 6 standard errors outside
what it estimates) is shown as "untrusted" with the reason, never as a number.

Options:
  --json      print one JSON object instead of the table
  -h, --help  print this help

Exit status: 0 ok, 2 bad usage or bad spec (one-line message naming the field), 1 internal error.
`;

/** Where main writes; replaceable in tests. */
export interface CliIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => string;
  readFile: (path: string) => string;
}

const defaultIo: CliIo = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  readStdin: () => readFileSync(0, "utf8"),
  readFile: (p) => readFileSync(p, "utf8"),
};

/** Longest message printed: a parser's excerpt of a huge or binary spec is cut, never echoed whole. */
const MAX_MESSAGE = 500;

/** One printable line: newlines folded, control characters escaped (\u0000), at most MAX_MESSAGE characters. */
function oneLine(s: string): string {
  const line = s
    .replace(/\s*\n\s*/g, " ")
    .trim()
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 3)}...` : line;
}

/**
 * Runs the `elbo-lab` command with arguments `argv` (without "node" and the script) and returns
 * the exit status. Never throws: bad input gives status 2 and one line on stderr, starting with
 * "elbo-lab evaluate: " and naming the field; an unexpected error gives status 1 (set
 * ELBO_LAB_DEBUG=1 to see its stack).
 */
export function main(argv: string[], io: CliIo = defaultIo): number {
  const fail = (msg: string, code = EXIT_USAGE): number => {
    io.stderr(`elbo-lab evaluate: ${oneLine(msg)}\n`);
    return code;
  };
  if (argv.includes("--help") || argv.includes("-h")) {
    io.stdout(USAGE);
    return 0;
  }
  if (argv.length === 0) {
    io.stderr(`elbo-lab: missing command (try "elbo-lab evaluate SPEC.json" or "elbo-lab --help")\n`);
    return EXIT_USAGE;
  }
  const [command, ...rest] = argv;
  if (command !== "evaluate") {
    io.stderr(`elbo-lab: unknown command ${JSON.stringify(command)} (the only command is "evaluate"; see "elbo-lab --help")\n`);
    return EXIT_USAGE;
  }
  let json = false;
  const paths: string[] = [];
  for (const a of rest) {
    if (a === "--json") json = true;
    else if (a.startsWith("-") && a !== "-") return fail(`unknown option ${JSON.stringify(a)} (see --help)`);
    else paths.push(a);
  }
  if (paths.length === 0) return fail("missing spec file (a path, or - for standard input)");
  if (paths.length > 1) return fail(`expected one spec file, got ${paths.length}: ${paths.join(" ")}`);
  const path = paths[0];
  let text: string;
  try {
    text = path === "-" ? io.readStdin() : io.readFile(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === "ENOENT" ? "no such file" : err.code === "EISDIR" ? "is a directory" : err.code === "EACCES" ? "permission denied" : err.message;
    return fail(path === "-" ? `cannot read the spec from standard input: ${why}` : `cannot read spec file ${JSON.stringify(path)}: ${why}`);
  }
  try {
    const spec = parseEvaluateSpec(text);
    const result = evaluateSpec(spec);
    io.stdout(json ? JSON.stringify(result, null, 2) + "\n" : formatTable(result));
    return 0;
  } catch (e) {
    if (e instanceof SpecError || e instanceof InvalidParameterError || e instanceof SupportMismatchError) return fail(e.message);
    const err = e as Error;
    if (process.env.ELBO_LAB_DEBUG) io.stderr(`${err.stack}\n`);
    return fail(`internal error (a bug; please report it with the spec): ${err && err.message}`, EXIT_INTERNAL);
  }
}

/** Entry point used by bin/elbo-lab.js: runs main on process.argv and sets the exit code. */
export function runCli(argv: string[] = process.argv.slice(2)): void {
  process.exitCode = main(argv);
}
