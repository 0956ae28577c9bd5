/**
 * A few TensorFlow ops called straight through `@tensorflow/tfjs-node`'s backend, one
 * `TFE_Execute` each, for the native VAE step (`vae-native-trainer.ts`); on any other backend
 * the same functions are composed from public tfjs ops.
 *
 * Why: through tfjs's public API, tfjs-node turns `tf.fused.matMul` into three TensorFlow
 * calls (BatchMatMulV2, Add, Relu), `tf.step` into five (Greater, Select, IsNaN, Fill, …) and
 * every `tf.reshape`/`tf.slice`/`tf.concat` into an upload of a small shape tensor plus the op:
 * 124 TensorFlow calls for one VAE step, measured. Here MatMul takes its transpose flags,
 * BiasAdd and ReluGrad are TensorFlow's own, and the shape/axis operands are tensors made once
 * by the caller (`constInt32`) and kept. TensorFlow's `_FusedMatMul` would fold the bias and
 * ReLU into the product, but it needs a list-of-strings attribute that tfjs-node's binding
 * cannot pass.
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
  binding: { TF_ATTR_TYPE: number; TF_ATTR_BOOL: number; TF_ATTR_INT: number; TF_FLOAT: number; TF_INT32: number };
}

export interface VaeStepOps {
  /** "tensorflow" when the ops go straight to TensorFlow, else "tfjs". */
  readonly kind: "tensorflow" | "tfjs";
  matMul(a: tf.Tensor, b: tf.Tensor, transposeA?: boolean, transposeB?: boolean): tf.Tensor2D;
  /** x + b over the last axis. */
  biasAdd(x: tf.Tensor, b: tf.Tensor): tf.Tensor2D;
  relu(x: tf.Tensor): tf.Tensor2D;
  /** dy ⊙ 1[y > 0] (y the ReLU's output, or its input). */
  reluGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor2D;
  /** x (1-D) cut into consecutive pieces of `sizes`; `sizesT` and `axis0` (scalar 0) are kept int32 tensors made by `constInt32`. */
  split1d(x: tf.Tensor, sizes: number[], sizesT: tf.Tensor, axis0: tf.Tensor): tf.Tensor[];
  /** x reshaped to `shape`, given also as a kept int32 tensor. */
  reshape(x: tf.Tensor, shape: number[], shapeT: tf.Tensor): tf.Tensor;
  /** Concatenation along `axis`, given also as a kept int32 scalar. */
  concat(xs: tf.Tensor[], axis: number, axisT: tf.Tensor): tf.Tensor;
}

function nodeBackend(): NodeBackend | null {
  if (tf.getBackend() !== "tensorflow") return null;
  const b = tf.backend() as unknown as Partial<NodeBackend>;
  if (typeof b.executeSingleOutput !== "function" || typeof b.executeMultipleOutputs !== "function" || !b.binding) return null;
  return b as NodeBackend;
}

const portable: VaeStepOps = {
  kind: "tfjs",
  matMul: (a, b, ta = false, tb = false) => tf.matMul(a, b, ta, tb) as tf.Tensor2D,
  biasAdd: (x, b) => tf.add(x, b) as tf.Tensor2D,
  relu: (x) => tf.relu(x) as tf.Tensor2D,
  reluGrad: (dy, y) => tf.mul(dy, tf.step(y)) as tf.Tensor2D,
  split1d: (x, sizes) => tf.split(x, sizes),
  reshape: (x, shape) => tf.reshape(x, shape),
  concat: (xs, axis) => tf.concat(xs, axis),
};

/** The ops for the current backend (straight to TensorFlow on `tensorflow`). */
export function vaeStepOps(): VaeStepOps {
  const be = nodeBackend();
  if (be === null) return portable;
  const { TF_ATTR_TYPE, TF_ATTR_BOOL, TF_ATTR_INT, TF_FLOAT, TF_INT32 } = be.binding;
  const T: OpAttr = { name: "T", type: TF_ATTR_TYPE, value: TF_FLOAT };
  const run = (name: string, attrs: OpAttr[], inputs: tf.Tensor[]) => be.executeSingleOutput(name, attrs, inputs);
  return {
    kind: "tensorflow",
    matMul: (a, b, ta = false, tb = false) =>
      run("MatMul", [T, { name: "transpose_a", type: TF_ATTR_BOOL, value: ta }, { name: "transpose_b", type: TF_ATTR_BOOL, value: tb }], [a, b]) as tf.Tensor2D,
    biasAdd: (x, b) => run("BiasAdd", [T], [x, b]) as tf.Tensor2D,
    relu: (x) => run("Relu", [T], [x]) as tf.Tensor2D,
    reluGrad: (dy, y) => run("ReluGrad", [T], [dy, y]) as tf.Tensor2D,
    split1d: (x, sizes, sizesT, axis0) =>
      be.executeMultipleOutputs("SplitV", [T, { name: "Tlen", type: TF_ATTR_TYPE, value: TF_INT32 }, { name: "num_split", type: TF_ATTR_INT, value: sizes.length }], [x, sizesT, axis0], sizes.length),
    reshape: (x, _shape, shapeT) => run("Reshape", [T, { name: "Tshape", type: TF_ATTR_TYPE, value: TF_INT32 }], [x, shapeT]),
    concat: (xs, _axis, axisT) =>
      run("ConcatV2", [T, { name: "N", type: TF_ATTR_INT, value: xs.length }, { name: "Tidx", type: TF_ATTR_TYPE, value: TF_INT32 }], [...xs, axisT]),
  };
}

/** A kept int32 tensor for shape and axis operands (the caller disposes it). */
export function constInt32(values: number[] | number): tf.Tensor {
  return tf.tidy(() => tf.keep(typeof values === "number" ? tf.scalar(values, "int32") : tf.tensor1d(values, "int32")));
}
