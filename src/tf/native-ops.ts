/**
 * TensorFlow ops called straight through `@tensorflow/tfjs-node`'s backend, one
 * `TFE_Execute` each, for the native VAE step (`vae-native-trainer.ts`); on any other backend
 * the same functions are composed from public tfjs ops.
 *
 * Why: through tfjs's public API, tfjs-node turns `tf.fused.matMul` into three TensorFlow
 * calls (BatchMatMulV2, Add, Relu), `tf.step` into five (Greater, Select, IsNaN, Fill, …),
 * every `tf.sum`/`tf.reshape`/`tf.slice`/`tf.concat` into an upload of a small shape or axis
 * tensor plus the op, and every `tf.mul(x, 0.5)` into an upload of the scalar: 124 TensorFlow
 * calls for one VAE step, measured. Here MatMul takes its transpose flags, BiasAdd and ReluGrad
 * are TensorFlow's own, and shape, axis and scalar operands are tensors made once by the caller
 * (`constInt32`, `constFloat`) and kept. TensorFlow's `_FusedMatMul` would fold the bias and
 * ReLU into the product, but it needs a list-of-strings attribute that tfjs-node's binding
 * cannot pass.
 *
 * Adam (`adamBlocks`): on `tensorflow` each weight and both its moments are TensorFlow resource
 * variables (`VarHandleOp`) and its update is one `ResourceApplyAdam` kernel — a single
 * vectorised pass in place, instead of about ten element-wise kernels each allocating a
 * parameter-sized output.
 *
 * The backend object's `executeSingleOutput(name, attrs, inputs)` and `binding` constants are
 * tfjs-node 4.22 internals (not its public API); `nativeOps()` checks they exist and returns
 * the portable versions otherwise.
 */
import * as tf from "@tensorflow/tfjs";

interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}
interface NodeBackend {
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: tf.Tensor[]): tf.Tensor;
  executeMultipleOutputs(name: string, attrs: OpAttr[], inputs: tf.Tensor[], n: number): tf.Tensor[];
  binding: {
    TF_ATTR_TYPE: number; TF_ATTR_BOOL: number; TF_ATTR_INT: number; TF_ATTR_STRING: number; TF_ATTR_SHAPE: number;
    TF_FLOAT: number; TF_INT32: number;
  };
}

/** Element-wise float ops by their TensorFlow names. */
export type UnaryOp = "Exp" | "Square" | "Softplus" | "Sigmoid";
export type BinaryOp = "Mul" | "AddV2" | "Sub";

export interface VaeStepOps {
  /** "tensorflow" when the ops go straight to TensorFlow, else "tfjs". */
  readonly kind: "tensorflow" | "tfjs";
  matMul(a: tf.Tensor, b: tf.Tensor, transposeA?: boolean, transposeB?: boolean): tf.Tensor2D;
  /** x + b over the last axis. */
  biasAdd(x: tf.Tensor, b: tf.Tensor): tf.Tensor2D;
  relu(x: tf.Tensor): tf.Tensor2D;
  /** dy ⊙ 1[y > 0] (y the ReLU's output, or its input). */
  reluGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor2D;
  unary(op: UnaryOp, x: tf.Tensor): tf.Tensor;
  /** a ∘ b with broadcasting (a scalar operand: a kept tensor from `constFloat`). */
  binary(op: BinaryOp, a: tf.Tensor, b: tf.Tensor): tf.Tensor;
  /** Σ over `axes`, given also as a kept int32 tensor. */
  sum(x: tf.Tensor, axes: number[], axesT: tf.Tensor): tf.Tensor;
  /** x cut along `axis` into consecutive pieces of `sizes`; `sizesT` and `axisT` are kept int32 tensors made by `constInt32`. */
  split(x: tf.Tensor, sizes: number[], sizesT: tf.Tensor, axis: number, axisT: tf.Tensor): tf.Tensor[];
  /** x reshaped to `shape`, given also as a kept int32 tensor. */
  reshape(x: tf.Tensor, shape: number[], shapeT: tf.Tensor): tf.Tensor;
  /** Concatenation along `axis`, given also as a kept int32 scalar. */
  concat(xs: tf.Tensor[], axis: number, axisT: tf.Tensor): tf.Tensor;
  /** Scalars stacked into a vector. */
  pack(xs: tf.Tensor[]): tf.Tensor;
}

function nodeBackend(): NodeBackend | null {
  if (tf.getBackend() !== "tensorflow") return null;
  const b = tf.backend() as unknown as Partial<NodeBackend>;
  if (typeof b.executeSingleOutput !== "function" || typeof b.executeMultipleOutputs !== "function" || !b.binding) return null;
  return b as NodeBackend;
}

const UNARY: Record<UnaryOp, (x: tf.Tensor) => tf.Tensor> = { Exp: tf.exp, Square: tf.square, Softplus: tf.softplus, Sigmoid: tf.sigmoid };
const BINARY: Record<BinaryOp, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor> = { Mul: tf.mul, AddV2: tf.add, Sub: tf.sub };

const portable: VaeStepOps = {
  kind: "tfjs",
  matMul: (a, b, ta = false, tb = false) => tf.matMul(a, b, ta, tb) as tf.Tensor2D,
  biasAdd: (x, b) => tf.add(x, b) as tf.Tensor2D,
  relu: (x) => tf.relu(x) as tf.Tensor2D,
  reluGrad: (dy, y) => tf.mul(dy, tf.step(y)) as tf.Tensor2D,
  unary: (op, x) => UNARY[op](x),
  binary: (op, a, b) => BINARY[op](a, b),
  sum: (x, axes) => tf.sum(x, axes),
  split: (x, sizes, _s, axis) => tf.split(x, sizes, axis),
  reshape: (x, shape) => tf.reshape(x, shape),
  concat: (xs, axis) => tf.concat(xs, axis),
  pack: (xs) => tf.stack(xs),
};

/** The ops for the current backend (straight to TensorFlow on `tensorflow`). */
export function vaeStepOps(): VaeStepOps {
  const be = nodeBackend();
  if (be === null) return portable;
  const { TF_ATTR_TYPE, TF_ATTR_BOOL, TF_ATTR_INT, TF_FLOAT, TF_INT32 } = be.binding;
  const T: OpAttr = { name: "T", type: TF_ATTR_TYPE, value: TF_FLOAT };
  const run = (name: string, attrs: OpAttr[], inputs: tf.Tensor[]) => be.executeSingleOutput(name, attrs, inputs);
  const only: OpAttr[] = [T];
  const tInt = (name: string): OpAttr => ({ name, type: TF_ATTR_TYPE, value: TF_INT32 });
  const sumAttrs: OpAttr[] = [T, { name: "keep_dims", type: TF_ATTR_BOOL, value: false }, tInt("Tidx")];
  return {
    kind: "tensorflow",
    matMul: (a, b, ta = false, tb = false) =>
      run("MatMul", [T, { name: "transpose_a", type: TF_ATTR_BOOL, value: ta }, { name: "transpose_b", type: TF_ATTR_BOOL, value: tb }], [a, b]) as tf.Tensor2D,
    biasAdd: (x, b) => run("BiasAdd", only, [x, b]) as tf.Tensor2D,
    relu: (x) => run("Relu", only, [x]) as tf.Tensor2D,
    reluGrad: (dy, y) => run("ReluGrad", only, [dy, y]) as tf.Tensor2D,
    unary: (op, x) => run(op, only, [x]),
    binary: (op, a, b) => run(op, only, [a, b]),
    sum: (x, _axes, axesT) => run("Sum", sumAttrs, [x, axesT]),
    split: (x, sizes, sizesT, _axis, axisT) =>
      be.executeMultipleOutputs("SplitV", [T, tInt("Tlen"), { name: "num_split", type: TF_ATTR_INT, value: sizes.length }], [x, sizesT, axisT], sizes.length),
    reshape: (x, _shape, shapeT) => run("Reshape", [T, tInt("Tshape")], [x, shapeT]),
    concat: (xs, _axis, axisT) => run("ConcatV2", [T, { name: "N", type: TF_ATTR_INT, value: xs.length }, tInt("Tidx")], [...xs, axisT]),
    pack: (xs) => run("Pack", [T, { name: "N", type: TF_ATTR_INT, value: xs.length }, { name: "axis", type: TF_ATTR_INT, value: 0 }], xs),
  };
}

/** A kept int32 tensor for shape and axis operands (the caller disposes it). */
export function constInt32(values: number[] | number): tf.Tensor {
  return tf.tidy(() => tf.keep(typeof values === "number" ? tf.scalar(values, "int32") : tf.tensor1d(values, "int32")));
}

/** A kept float32 scalar for scalar operands (the caller disposes it). */
export function constFloat(value: number): tf.Scalar {
  return tf.tidy(() => tf.keep(tf.scalar(value, "float32")));
}

export interface AdamHyper {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
}

/**
 * Float32 parameter blocks (the weights of a network, each with its shape) with Adam's moments,
 * updated as tfjs's `tf.train.adam`: w ← w − lr·m̂/(√v̂ + ε), m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ) —
 * written as TensorFlow's ApplyAdam computes it, w ← w − lrₜ·m/(√v + εₜ) with
 * lrₜ = lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ) and εₜ = ε·√(1 − β₂ᵗ) (the same number).
 */
export interface AdamBlocks {
  /** Block i now, as a tensor that may share its memory: dispose it (e.g. in a `tf.tidy`) before the next `update`, or the update copies the block. */
  read(i: number): tf.Tensor;
  /** A copy of block i now. */
  values(i: number): Float32Array;
  /** One update with the gradients of every block, in order. */
  update(grads: tf.Tensor[]): void;
  /** Number of updates so far. */
  readonly steps: number;
  dispose(): void;
}

/** The ANONYMOUS_NAME of TensorFlow's ResourceHandle: a variable owned by its handle (freed with it), as TF2's eager variables. */
const ANONYMOUS = "cd2c89b7-88b7-44c8-ad83-06c2a9158347";

/**
 * Adam over parameter blocks: on `tensorflow` each block and its moments are resource variables
 * and a block's update is one `ResourceApplyAdam` kernel in place; elsewhere tf.Variables and tfjs
 * ops. (Blocks rather than one flat vector: slicing a flat 1-D θ into weights and concatenating
 * their gradients copied 2.6 MB twice a step, 0.35 ms, more than seven more ApplyAdam calls cost.)
 */
export function adamBlocks(blocks: { init: Float32Array; shape: number[] }[], h: AdamHyper): AdamBlocks {
  const be = nodeBackend();
  let t = 0;
  let disposed = false;
  const check = () => {
    if (disposed) throw new Error("AdamBlocks: used after dispose()");
  };
  const checkGrads = (grads: tf.Tensor[]) => {
    if (grads.length !== blocks.length) throw new Error(`AdamBlocks: ${grads.length} gradients for ${blocks.length} blocks`);
  };
  const epsT = () => h.epsilon * Math.sqrt(1 - h.beta2 ** t);
  const lrT = () => (h.learningRate * Math.sqrt(1 - h.beta2 ** t)) / (1 - h.beta1 ** t);
  if (be === null) {
    const vars = blocks.map((b) => tf.tidy(() => {
      const x = tf.tensor(b.init, b.shape, "float32");
      return { w: tf.variable(x, true), m: tf.variable(tf.zerosLike(x), false), v: tf.variable(tf.zerosLike(x), false) };
    }));
    return {
      get steps() { return t; },
      read: (i) => { check(); return vars[i].w; },
      values: (i) => { check(); return vars[i].w.dataSync() as Float32Array; },
      update(grads: tf.Tensor[]): void {
        check();
        checkGrads(grads);
        t++;
        const lr = lrT(), eps = epsT();
        tf.tidy(() => {
          vars.forEach(({ w, m, v }, i) => {
            const g = grads[i];
            const mNew = tf.add(tf.mul(m, h.beta1), tf.mul(g, 1 - h.beta1));
            const vNew = tf.add(tf.mul(v, h.beta2), tf.mul(tf.square(g), 1 - h.beta2));
            const upd = tf.div(mNew, tf.add(tf.sqrt(vNew), eps));
            m.assign(mNew);
            v.assign(vNew);
            w.assign(tf.sub(w, tf.mul(upd, lr)));
          });
        });
      },
      dispose(): void {
        if (disposed) return;
        disposed = true;
        tf.dispose(vars.flatMap(({ w, m, v }) => [w, m, v]));
      },
    };
  }
  const { TF_ATTR_TYPE, TF_ATTR_BOOL, TF_ATTR_STRING, TF_ATTR_SHAPE, TF_FLOAT } = be.binding;
  const dtype: OpAttr = { name: "dtype", type: TF_ATTR_TYPE, value: TF_FLOAT };
  const handle = (shape: number[]) =>
    be.executeSingleOutput("VarHandleOp", [
      { name: "container", type: TF_ATTR_STRING, value: "" },
      { name: "shared_name", type: TF_ATTR_STRING, value: ANONYMOUS },
      dtype,
      { name: "shape", type: TF_ATTR_SHAPE, value: shape },
    ], []);
  const vars = blocks.map((b) => ({ w: handle(b.shape), m: handle(b.shape), v: handle(b.shape) }));
  tf.tidy(() => {
    vars.forEach(({ w, m, v }, i) => {
      const zeros = tf.zeros(blocks[i].shape);
      for (const [hd, x] of [[w, tf.tensor(blocks[i].init, blocks[i].shape, "float32")], [m, zeros], [v, zeros]] as const) be.executeMultipleOutputs("AssignVariableOp", [dtype], [hd, x], 0);
    });
  });
  // The bias corrections go into lrₜ and εₜ, computed in float64 here; ApplyAdam is then given
  // β₁ᵗ = β₂ᵗ = 0 (its own lr·√(1 − β₂ᵗ)/(1 − β₁ᵗ), in float32, would be off by ~1e-5 relative).
  const zero = constFloat(0), b1 = constFloat(h.beta1), b2 = constFloat(h.beta2);
  const attrs: OpAttr[] = [
    { name: "T", type: TF_ATTR_TYPE, value: TF_FLOAT },
    { name: "use_locking", type: TF_ATTR_BOOL, value: false },
    { name: "use_nesterov", type: TF_ATTR_BOOL, value: false },
  ];
  const read = (i: number) => be.executeSingleOutput("ReadVariableOp", [dtype], [vars[i].w]);
  return {
    get steps() { return t; },
    read: (i) => { check(); return read(i); },
    values(i: number): Float32Array {
      check();
      const r = read(i);
      const out = r.dataSync() as Float32Array;
      r.dispose();
      return out;
    },
    update(grads: tf.Tensor[]): void {
      check();
      checkGrads(grads);
      t++;
      tf.tidy(() => {
        const lr = tf.scalar(lrT()), e = tf.scalar(epsT());
        vars.forEach(({ w, m, v }, i) => be.executeMultipleOutputs("ResourceApplyAdam", attrs, [w, m, v, zero, zero, lr, b1, b2, e, grads[i]], 0));
      });
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      tf.dispose([...vars.flatMap(({ w, m, v }) => [w, m, v]), zero, b1, b2]);
    },
  };
}
