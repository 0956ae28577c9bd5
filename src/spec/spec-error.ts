/**
 * A problem in a spec, naming the field by its path (`q.sd`, `model.data[3]`, `iwaeK[0]`). The
 * message is one line, e.g. `q.sd must be a number > 0, got -1`.
 */
export class SpecError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "SpecError";
  }
}
