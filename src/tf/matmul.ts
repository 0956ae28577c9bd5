/**
 * Matrix product whose gradient transposes explicitly.
 *
 * tfjs's built-in matMul gradient computes dA = dY·Bᵀ and dB = Aᵀ·dY with `transposeA/B`
 * flags. On the wasm backend a matMul with a transpose flag is 14–20x slower than
 * `tf.transpose` followed by a plain matMul (1024×1024: 1353 ms against 70 ms, measured on
 * this project's machines), and the whole VAE training step became 4.2x faster with this
 * wrapper. On other backends it is harmless.
 *
 * @example
 * const y = matMulT(x, w);             // same value as tf.matMul(x, w)
 * const g = tf.grad((w) => matMulT(x, w).sum())(w);   // uses tf.transpose(x), no flags
 */
import * as tf from "@tensorflow/tfjs";

// customGrad passes the inputs and then a save function, typed loosely by tfjs as (Tensor | GradSaveFunc)[].
type CustomGradFn = Parameters<typeof tf.customGrad>[0];

const matMulTransposingGrad = tf.customGrad(((...args: unknown[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sa, sb] = saved as tf.Tensor2D[];
      return [tf.matMul(dy, tf.transpose(sb)), tf.matMul(tf.transpose(sa), dy)];
    },
  };
}) as CustomGradFn) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/**
 * The same product for an `a` that is data (never differentiated, e.g. a batch of images):
 * the gradient computes only dB = Aᵀ·dY and returns zeros for A, skipping the dY·Bᵀ product
 * that tfjs would otherwise compute and throw away (for the VAE's 784→400 input layer that is
 * 80 MFLOP of a step's ~420).
 */
const matMulWeightOnlyGrad = tf.customGrad(((...args: unknown[]) => {
  const [a, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([a]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [sa] = saved as tf.Tensor2D[];
      return [tf.zerosLike(sa), tf.matMul(tf.transpose(sa), dy)];
    },
  };
}) as CustomGradFn) as (a: tf.Tensor2D, b: tf.Tensor2D) => tf.Tensor2D;

/** `a · b` (2-D) with the explicit-transpose gradient described above. */
export function matMulT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return matMulTransposingGrad(a, b);
}

/** `a · b` with the explicit-transpose gradient for `b` only; the gradient for `a` is zero (use it when `a` is data). */
export function matMulTDataInput(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return matMulWeightOnlyGrad(a, b);
}

/**
 * Fully connected layer `x·W + b`. `transposeTrick` chooses `matMulT` (default) or plain
 * `tf.matMul` (kept for the benchmark that measures the difference). `xIsData` (with the
 * trick) skips the gradient with respect to `x`, which is then reported as zero.
 */
export function dense(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, transposeTrick = true, xIsData = false): tf.Tensor2D {
  const y = transposeTrick ? (xIsData ? matMulTDataInput(x, w) : matMulT(x, w)) : tf.matMul(x, w);
  return tf.add(y, b);
}
