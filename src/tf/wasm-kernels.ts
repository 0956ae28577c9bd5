/**
 * Loops of the VAE's training step as WebAssembly functions that run inside the memory of
 * TensorFlow.js's wasm backend, on tensors where the kernels wrote them (no copies):
 *
 *  - `adam`: the Adam update, 128-bit SIMD, four float32 lanes per instruction. tfjs's
 *    optimizer runs about a dozen element-wise kernels per weight, and a scalar JS loop takes
 *    1.4 ms per 314k weights on this project's machines; this loop about 0.1 ms.
 *    Per group of four lanes at byte offset i (n4 groups):
 *      g = grad[i]·gScale
 *      m[i] = β₁·m[i] + (1 − β₁)·g
 *      v[i] = β₂·v[i] + (1 − β₂)·g²
 *      w[i] = w[i] − lr·(m[i]·ic₁) / (√(v[i]·ic₂) + ε)      ic₁ = 1/(1 − β₁ᵗ), ic₂ = 1/(1 − β₂ᵗ)
 *    which is tfjs's `AdamOptimizer` update (bias-corrected moments) in float32.
 *  - `bernoulli`: for logits l, s = sigmoid(l) and data x (float32, four at a time), writes
 *    ∂ = s − x (float32) and returns Σ (x·l − max(l, 0)) summed in float64; it also stores
 *    float64 products of max(s, 1 − s) (computed in float64), four running products (one per
 *    lane) per chunk of 512 elements, so that Σ log max(s, 1 − s) = Σ log(products) costs one
 *    log per 128 elements. Each factor lies in [½, 1], so a product is at least 2⁻¹²⁸, far
 *    from underflow. Together: Σ_j log Bernoulli(x_j | s_j) = returned sum + Σ log(products),
 *    because softplus(l) = max(l, 0) − log sigmoid(|l|) and sigmoid(|l|) = max(s, 1 − s).
 *  - `transpose`: 4×4 blocks with shuffles (scalar at the edges); tfjs's Transpose kernel takes
 *    about twice as long on the VAE's matrices.
 *
 *  - `sparseRows`: a sparse matrix (compressed rows) times a dense one, four lanes at a time:
 *    the VAE's first layer on binary images, where about 13 % of the pixels are 1. Per
 *    nonzero one row of the dense matrix is scaled and added, so a batch of 128 MNIST images
 *    costs ~13k row updates instead of a 128×785×400 product.
 *
 * The module is assembled below from the opcodes (a few hundred bytes; there is no WebAssembly
 * toolchain in this project) and imports the backend's memory. Where it does not validate (no
 * SIMD) `wasmKernels` returns null and callers use JS loops.
 */

export interface WasmKernels {
  /** adam(w, m, v, g, n4, gScale, β₁, 1−β₁, β₂, 1−β₂, ic₁, ic₂, lr, ε): byte offsets, group count, constants. */
  adam(
    w: number, m: number, v: number, g: number, n4: number,
    gScale: number, beta1: number, oneMinusBeta1: number, beta2: number, oneMinusBeta2: number,
    ic1: number, ic2: number, lr: number, eps: number,
  ): void;
  /**
   * bernoulli(l, s, x, ∂, n4, prods): byte offsets and the number of groups of four elements;
   * returns Σ (x·l − max(l, 0)) and writes `bernoulliProducts(n4)` float64 products at prods.
   */
  bernoulli(l: number, s: number, x: number, d: number, n4: number, prods: number): number;
  /** transpose(src, dst, rows, cols): dst [cols, rows] = srcᵀ for a row-major float32 src [rows, cols]. */
  transpose(src: number, dst: number, rows: number, cols: number): void;
  /**
   * sparseRows(dst, dstRows, start, idx, val, src, nRows, h4, relu): for r < nRows,
   * dst[dstRows[r], :] = Σ_{start[r] ≤ q < start[r+1]} val[q]·src[idx[q], :], then max(·, 0) if
   * relu ≠ 0. Rows are 4·h4 floats; dstRows, start, idx int32, val float32 (a sparse matrix in
   * compressed-row form times a dense one). Other rows of dst are left as they are.
   */
  sparseRows(dst: number, dstRows: number, start: number, idx: number, val: number, src: number, nRows: number, h4: number, relu: number): void;
}

/** Elements per product chunk of `bernoulli` (128 groups of four lanes). */
export const BERNOULLI_CHUNK = 512;

/** How many float64 products `bernoulli` writes for n4 groups of four elements. */
export function bernoulliProducts(n4: number): number {
  return 4 * (Math.floor((4 * n4) / BERNOULLI_CHUNK) + 1);
}

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

const vec = (items: number[][]): number[] => [...uleb(items.length), ...items.flat()];
const bytesOf = (s: string): number[] => [...uleb(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];
const section = (id: number, body: number[]): number[] => [id, ...uleb(body.length), ...body];
const f64const = (x: number): number[] => [0x44, ...new Uint8Array(new Float64Array([x]).buffer)];

// Value types and opcodes (WebAssembly core spec 2.0, with fixed-width SIMD).
const I32 = 0x7f, F32 = 0x7d, F64 = 0x7c, V128 = 0x7b;
const LOCAL_GET = 0x20, LOCAL_SET = 0x21, LOCAL_TEE = 0x22;
const I32_CONST = 0x41, I32_ADD = 0x6a, I32_SUB = 0x6b, I32_MUL = 0x6c, I32_SHL = 0x74, I32_GE_U = 0x4f, I32_GT_U = 0x4b, I32_EQZ = 0x45;
const I32_LOAD = [0x28, 2, 0];
const BLOCK = 0x02, LOOP = 0x03, IF = 0x04, BR = 0x0c, BR_IF = 0x0d, END = 0x0b, VOID = 0x40;
const F32_LOAD = [0x2a, 2, 0], F32_STORE = [0x38, 2, 0]; // memarg: log2 align, offset
const F64_ADD = 0xa0;
const simd = (op: number): number[] => [0xfd, ...uleb(op)];
const V128_LOAD = [...simd(0x00), 4, 0];
const V128_STORE = [...simd(0x0b), 4, 0];
const F32X4_SPLAT = simd(0x13);
const F32X4_SQRT = simd(0xe3), F32X4_ADD = simd(0xe4), F32X4_SUB = simd(0xe5), F32X4_MUL = simd(0xe6), F32X4_DIV = simd(0xe7), F32X4_MAX = simd(0xe9);
const F32_CONST0 = [0x43, 0, 0, 0, 0];
const I32_AND = 0x71;
const I8X16_SHUFFLE = (lanes: number[]) => [...simd(0x0d), ...lanes.flatMap((l) => [4 * l, 4 * l + 1, 4 * l + 2, 4 * l + 3])]; // f32 lanes 0–3 of a, 4–7 of b
const F64X2_SPLAT = simd(0x14), F64X2_EXTRACT = (lane: number) => [...simd(0x21), lane], F64X2_PROMOTE_LOW = simd(0x5f);
const F64X2_ADD = simd(0xf0), F64X2_SUB = simd(0xf1), F64X2_MUL = simd(0xf2), F64X2_MAX = simd(0xf5);

function adamBody(): number[] {
  // Parameters 0–4: w, m, v, g, n4 (i32); 5–13: gScale, β₁, 1−β₁, β₂, 1−β₂, ic₁, ic₂, lr, ε (f32).
  const [W, M, V, G, N4] = [0, 1, 2, 3, 4];
  // Locals: i, end (i32); g, mNew, vNew (v128); splats of the nine constants (v128).
  const I = 14, END_ = 15, VG = 16, VM = 17, VV = 18;
  const SPLAT = (p: number) => 19 + (p - 5); // local holding the splat of parameter p (5…13)
  const [S_GSCALE, S_B1, S_OMB1, S_B2, S_OMB2, S_IC1, S_IC2, S_LR, S_EPS] = [5, 6, 7, 8, 9, 10, 11, 12, 13].map(SPLAT);
  const addr = (base: number) => [LOCAL_GET, base, LOCAL_GET, I, I32_ADD];
  const b: number[] = [];
  for (let p = 5; p <= 13; p++) b.push(LOCAL_GET, p, ...F32X4_SPLAT, LOCAL_SET, SPLAT(p));
  b.push(LOCAL_GET, N4, I32_CONST, 4, I32_SHL, LOCAL_SET, END_);
  b.push(BLOCK, VOID, LOOP, VOID);
  b.push(LOCAL_GET, I, LOCAL_GET, END_, I32_GE_U, BR_IF, 1);
  // g = grad·gScale
  b.push(...addr(G), ...V128_LOAD, LOCAL_GET, S_GSCALE, ...F32X4_MUL, LOCAL_SET, VG);
  // m = β₁·m + (1 − β₁)·g, stored
  b.push(...addr(M), ...addr(M), ...V128_LOAD, LOCAL_GET, S_B1, ...F32X4_MUL);
  b.push(LOCAL_GET, VG, LOCAL_GET, S_OMB1, ...F32X4_MUL, ...F32X4_ADD, LOCAL_TEE, VM, ...V128_STORE);
  // v = β₂·v + (1 − β₂)·g², stored
  b.push(...addr(V), ...addr(V), ...V128_LOAD, LOCAL_GET, S_B2, ...F32X4_MUL);
  b.push(LOCAL_GET, VG, LOCAL_GET, VG, ...F32X4_MUL, LOCAL_GET, S_OMB2, ...F32X4_MUL, ...F32X4_ADD, LOCAL_TEE, VV, ...V128_STORE);
  // w = w − lr·(m·ic₁) / (√(v·ic₂) + ε), stored
  b.push(...addr(W), ...addr(W), ...V128_LOAD);
  b.push(LOCAL_GET, S_LR, LOCAL_GET, VM, LOCAL_GET, S_IC1, ...F32X4_MUL, ...F32X4_MUL);
  b.push(LOCAL_GET, VV, LOCAL_GET, S_IC2, ...F32X4_MUL, ...F32X4_SQRT, LOCAL_GET, S_EPS, ...F32X4_ADD);
  b.push(...F32X4_DIV, ...F32X4_SUB, ...V128_STORE);
  // i += 16
  b.push(LOCAL_GET, I, I32_CONST, 16, I32_ADD, LOCAL_SET, I, BR, 0, END, END, END);
  return [...vec([[2, I32], [3 + 9, V128]]), ...b];
}

function bernoulliBody(): number[] {
  // Parameters: l, s, x, d, n4, prods (i32). Locals: i, end, k, cnt (i32); t, sv, tmp, accLo,
  // accHi, pLo, pHi, one, zero (v128).
  const [L, S, X, D, N4, P] = [0, 1, 2, 3, 4, 5];
  const I = 6, END_ = 7, K = 8, CNT = 9;
  const T = 10, SV = 11, TMP = 12, ACC_LO = 13, ACC_HI = 14, P_LO = 15, P_HI = 16, ONE = 17, ZERO = 18;
  const GROUPS = BERNOULLI_CHUNK / 4;
  const addr = (base: number) => [LOCAL_GET, base, LOCAL_GET, I, I32_ADD];
  const high = (v: number) => [LOCAL_GET, v, LOCAL_GET, v, ...I8X16_SHUFFLE([2, 3, 2, 3])]; // lanes 2, 3 moved to 0, 1
  /** p = p·max(v, 1 − v) for a float64 pair v on the stack */
  const mulMax = (pLocal: number) => [
    LOCAL_SET, TMP, LOCAL_GET, pLocal, LOCAL_GET, TMP, LOCAL_GET, ONE, LOCAL_GET, TMP, ...F64X2_SUB, ...F64X2_MAX, ...F64X2_MUL, LOCAL_SET, pLocal,
  ];
  const b: number[] = [];
  b.push(LOCAL_GET, N4, I32_CONST, 4, I32_SHL, LOCAL_SET, END_);
  b.push(...f64const(1), ...F64X2_SPLAT, LOCAL_TEE, ONE, LOCAL_TEE, P_LO, LOCAL_SET, P_HI);
  b.push(...F32_CONST0, ...F32X4_SPLAT, LOCAL_SET, ZERO);
  b.push(I32_CONST, ...uleb(GROUPS), LOCAL_SET, CNT);
  b.push(BLOCK, VOID, LOOP, VOID);
  b.push(LOCAL_GET, I, LOCAL_GET, END_, I32_GE_U, BR_IF, 1);
  b.push(...addr(S), ...V128_LOAD, LOCAL_SET, SV);
  // ∂ = s − x
  b.push(...addr(D), LOCAL_GET, SV, ...addr(X), ...V128_LOAD, ...F32X4_SUB, ...V128_STORE);
  // t = x·l − max(l, 0), accumulated in float64 pairs
  b.push(...addr(X), ...V128_LOAD, ...addr(L), ...V128_LOAD, ...F32X4_MUL, ...addr(L), ...V128_LOAD, LOCAL_GET, ZERO, ...F32X4_MAX, ...F32X4_SUB, LOCAL_SET, T);
  b.push(LOCAL_GET, ACC_LO, LOCAL_GET, T, ...F64X2_PROMOTE_LOW, ...F64X2_ADD, LOCAL_SET, ACC_LO);
  b.push(LOCAL_GET, ACC_HI, ...high(T), ...F64X2_PROMOTE_LOW, ...F64X2_ADD, LOCAL_SET, ACC_HI);
  // products of max(s, 1 − s) in float64
  b.push(LOCAL_GET, SV, ...F64X2_PROMOTE_LOW, ...mulMax(P_LO));
  b.push(...high(SV), ...F64X2_PROMOTE_LOW, ...mulMax(P_HI));
  // every GROUPS groups: store the four products, start new ones
  b.push(LOCAL_GET, CNT, I32_CONST, 1, I32_SUB, LOCAL_TEE, CNT, I32_EQZ, IF, VOID);
  b.push(LOCAL_GET, P, LOCAL_GET, K, I32_ADD, LOCAL_GET, P_LO, ...V128_STORE);
  b.push(LOCAL_GET, P, LOCAL_GET, K, I32_ADD, I32_CONST, 16, I32_ADD, LOCAL_GET, P_HI, ...V128_STORE);
  b.push(LOCAL_GET, K, I32_CONST, 32, I32_ADD, LOCAL_SET, K);
  b.push(LOCAL_GET, ONE, LOCAL_TEE, P_LO, LOCAL_SET, P_HI, I32_CONST, ...uleb(GROUPS), LOCAL_SET, CNT, END);
  b.push(LOCAL_GET, I, I32_CONST, 16, I32_ADD, LOCAL_SET, I, BR, 0, END, END);
  // the last (partial) chunk's products, then the four sums
  b.push(LOCAL_GET, P, LOCAL_GET, K, I32_ADD, LOCAL_GET, P_LO, ...V128_STORE);
  b.push(LOCAL_GET, P, LOCAL_GET, K, I32_ADD, I32_CONST, 16, I32_ADD, LOCAL_GET, P_HI, ...V128_STORE);
  b.push(LOCAL_GET, ACC_LO, ...F64X2_EXTRACT(0), LOCAL_GET, ACC_LO, ...F64X2_EXTRACT(1), F64_ADD);
  b.push(LOCAL_GET, ACC_HI, ...F64X2_EXTRACT(0), F64_ADD, LOCAL_GET, ACC_HI, ...F64X2_EXTRACT(1), F64_ADD, END);
  return [...vec([[4, I32], [9, V128]]), ...b];
}

/**
 * transpose. Parameters: src, dst, R, C (i32). Locals: r, c, r4, c4, p, q (i32); a0…a3, t0…t3
 * (v128). 4×4 blocks over rows < r4 = R − R mod 4 and columns < c4, then the last C mod 4
 * columns of every row and the last R mod 4 rows of the other columns one by one.
 */
function transposeBody(): number[] {
  const [SRC, DST, RR, CC] = [0, 1, 2, 3];
  const R = 4, C = 5, R4 = 6, C4 = 7, PP = 8, QQ = 9;
  const A0 = 10, T0 = 14;
  /** for (v = from; v < to; v += step) body — from/to are locals or i32 constants on the stack */
  const loop = (v: number, from: number[], to: number[], step: number, body: number[]) => [
    ...from, LOCAL_SET, v, BLOCK, VOID, LOOP, VOID,
    LOCAL_GET, v, ...to, I32_GE_U, BR_IF, 1,
    ...body,
    LOCAL_GET, v, I32_CONST, step, I32_ADD, LOCAL_SET, v, BR, 0, END, END,
  ];
  const get = (l: number) => [LOCAL_GET, l];
  const zero = [I32_CONST, 0];
  /** byte offset base + 4·(i·n + j) for locals/params i, n, j */
  const at = (base: number, i: number, n: number, j: number) => [LOCAL_GET, i, LOCAL_GET, n, I32_MUL, LOCAL_GET, j, I32_ADD, I32_CONST, 2, I32_SHL, LOCAL_GET, base, I32_ADD];
  const scalar = [...at(DST, C, RR, R), ...at(SRC, R, CC, C), ...F32_LOAD, ...F32_STORE];
  /** address local + k·rowBytes, rowBytes = 4·n */
  const plusRows = (l: number, k: number, n: number) => (k === 0 ? [LOCAL_GET, l] : [LOCAL_GET, l, LOCAL_GET, n, I32_CONST, 4 * k, I32_MUL, I32_ADD]);
  const block = [
    ...at(SRC, R, CC, C), LOCAL_SET, PP,
    ...[0, 1, 2, 3].flatMap((k) => [...plusRows(PP, k, CC), ...V128_LOAD, LOCAL_SET, A0 + k]),
    LOCAL_GET, A0, LOCAL_GET, A0 + 1, ...I8X16_SHUFFLE([0, 4, 1, 5]), LOCAL_SET, T0,
    LOCAL_GET, A0, LOCAL_GET, A0 + 1, ...I8X16_SHUFFLE([2, 6, 3, 7]), LOCAL_SET, T0 + 1,
    LOCAL_GET, A0 + 2, LOCAL_GET, A0 + 3, ...I8X16_SHUFFLE([0, 4, 1, 5]), LOCAL_SET, T0 + 2,
    LOCAL_GET, A0 + 2, LOCAL_GET, A0 + 3, ...I8X16_SHUFFLE([2, 6, 3, 7]), LOCAL_SET, T0 + 3,
    ...at(DST, C, RR, R), LOCAL_SET, QQ,
    ...plusRows(QQ, 0, RR), LOCAL_GET, T0, LOCAL_GET, T0 + 2, ...I8X16_SHUFFLE([0, 1, 4, 5]), ...V128_STORE,
    ...plusRows(QQ, 1, RR), LOCAL_GET, T0, LOCAL_GET, T0 + 2, ...I8X16_SHUFFLE([2, 3, 6, 7]), ...V128_STORE,
    ...plusRows(QQ, 2, RR), LOCAL_GET, T0 + 1, LOCAL_GET, T0 + 3, ...I8X16_SHUFFLE([0, 1, 4, 5]), ...V128_STORE,
    ...plusRows(QQ, 3, RR), LOCAL_GET, T0 + 1, LOCAL_GET, T0 + 3, ...I8X16_SHUFFLE([2, 3, 6, 7]), ...V128_STORE,
  ];
  const b: number[] = [];
  b.push(LOCAL_GET, RR, I32_CONST, ...sleb(-4), I32_AND, LOCAL_SET, R4);
  b.push(LOCAL_GET, CC, I32_CONST, ...sleb(-4), I32_AND, LOCAL_SET, C4);
  b.push(...loop(R, zero, get(R4), 4, loop(C, zero, get(C4), 4, block)));
  b.push(...loop(R, zero, get(RR), 1, loop(C, get(C4), get(CC), 1, scalar)));
  b.push(...loop(R, get(R4), get(RR), 1, loop(C, zero, get(C4), 1, scalar)));
  b.push(END);
  return [...vec([[6, I32], [8, V128]]), ...b];
}

/**
 * sparseRows. Parameters: dst, dstRows, start, idx, val, src, nRows, h4, relu (i32).
 * Locals: r, d (dst row), q, qEnd, i (byte offset in a row), rowBytes, s0…s3 (src rows) (i32);
 * zero, v0…v3 (v128). Nonzeros are taken four at a time (one pass over the dst row for four
 * src rows, added in order, so the sums are the same as one at a time), then one at a time.
 */
function sparseRowsBody(): number[] {
  const [DST, DST_ROWS, START, IDX, VAL, SRC, NROWS, H4, RELU] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const R = 9, D = 10, Q = 11, QEND = 12, I = 13, ROWBYTES = 14, S0 = 15; // s0…s3: 15–18
  const ZERO = 19, V0 = 20; // v0…v3: 20–23
  const at = (arr: number, index: number, plus = 0) => [
    LOCAL_GET, arr, LOCAL_GET, index, ...(plus ? [I32_CONST, plus, I32_ADD] : []), I32_CONST, 2, I32_SHL, I32_ADD,
  ]; // arr + 4·(index + plus)
  /** for (i = 0; i < rowBytes; i += 16) body */
  const rowLoop = (body: number[]) => [
    I32_CONST, 0, LOCAL_SET, I, BLOCK, VOID, LOOP, VOID,
    LOCAL_GET, I, LOCAL_GET, ROWBYTES, I32_GE_U, BR_IF, 1,
    ...body,
    LOCAL_GET, I, I32_CONST, 16, I32_ADD, LOCAL_SET, I, BR, 0, END, END,
  ];
  const dAddr = [LOCAL_GET, D, LOCAL_GET, I, I32_ADD];
  const sAddr = (u: number) => [LOCAL_GET, S0 + u, LOCAL_GET, I, I32_ADD];
  /** s_u = src + idx[q + u]·rowBytes, v_u = splat(val[q + u]) */
  const load = (u: number) => [
    ...at(IDX, Q, u), ...I32_LOAD, LOCAL_GET, ROWBYTES, I32_MUL, LOCAL_GET, SRC, I32_ADD, LOCAL_SET, S0 + u,
    ...at(VAL, Q, u), ...F32_LOAD, ...F32X4_SPLAT, LOCAL_SET, V0 + u,
  ];
  const madd = (u: number) => [LOCAL_GET, V0 + u, ...sAddr(u), ...V128_LOAD, ...F32X4_MUL, ...F32X4_ADD];
  const b: number[] = [];
  b.push(LOCAL_GET, H4, I32_CONST, 4, I32_SHL, LOCAL_SET, ROWBYTES);
  b.push(...F32_CONST0, ...F32X4_SPLAT, LOCAL_SET, ZERO);
  b.push(BLOCK, VOID, LOOP, VOID);
  b.push(LOCAL_GET, R, LOCAL_GET, NROWS, I32_GE_U, BR_IF, 1);
  // d = dst + dstRows[r]·rowBytes; zero the row
  b.push(...at(DST_ROWS, R), ...I32_LOAD, LOCAL_GET, ROWBYTES, I32_MUL, LOCAL_GET, DST, I32_ADD, LOCAL_SET, D);
  b.push(...rowLoop([...dAddr, LOCAL_GET, ZERO, ...V128_STORE]));
  // q = start[r], qEnd = start[r + 1]
  b.push(...at(START, R), ...I32_LOAD, LOCAL_SET, Q);
  b.push(...at(START, R, 1), ...I32_LOAD, LOCAL_SET, QEND);
  // four nonzeros at a time while q + 4 ≤ qEnd
  b.push(BLOCK, VOID, LOOP, VOID);
  b.push(LOCAL_GET, Q, I32_CONST, 4, I32_ADD, LOCAL_GET, QEND, I32_GT_U, BR_IF, 1);
  b.push(...load(0), ...load(1), ...load(2), ...load(3));
  b.push(...rowLoop([...dAddr, ...dAddr, ...V128_LOAD, ...madd(0), ...madd(1), ...madd(2), ...madd(3), ...V128_STORE]));
  b.push(LOCAL_GET, Q, I32_CONST, 4, I32_ADD, LOCAL_SET, Q, BR, 0, END, END);
  // the rest one at a time
  b.push(BLOCK, VOID, LOOP, VOID);
  b.push(LOCAL_GET, Q, LOCAL_GET, QEND, I32_GE_U, BR_IF, 1);
  b.push(...load(0));
  b.push(...rowLoop([...dAddr, ...dAddr, ...V128_LOAD, ...madd(0), ...V128_STORE]));
  b.push(LOCAL_GET, Q, I32_CONST, 1, I32_ADD, LOCAL_SET, Q, BR, 0, END, END);
  // relu
  b.push(LOCAL_GET, RELU, IF, VOID, ...rowLoop([...dAddr, ...dAddr, ...V128_LOAD, LOCAL_GET, ZERO, ...F32X4_MAX, ...V128_STORE]), END);
  b.push(LOCAL_GET, R, I32_CONST, 1, I32_ADD, LOCAL_SET, R, BR, 0, END, END, END);
  return [...vec([[10, I32], [5, V128]]), ...b];
}

/** The module's bytes; `shared` when the memory it imports is a shared (threaded) one. */
export function wasmKernelsModuleBytes(shared: boolean): Uint8Array {
  const adamParams = [I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32, F32];
  const bernoulliParams = [I32, I32, I32, I32, I32, I32];
  const typeSec = section(1, vec([
    [0x60, ...vec(adamParams.map((p) => [p])), ...vec([])],
    [0x60, ...vec(bernoulliParams.map((p) => [p])), ...vec([[F64]])],
    [0x60, ...vec(Array.from({ length: 9 }, () => [I32])), ...vec([])], // nine i32, no result
    [0x60, ...vec(Array.from({ length: 4 }, () => [I32])), ...vec([])], // four i32, no result
  ]));
  const limits = shared ? [0x03, ...uleb(0), ...uleb(65536)] : [0x00, ...uleb(0)];
  const importSec = section(2, vec([[...bytesOf("env"), ...bytesOf("memory"), 0x02, ...limits]]));
  const funcSec = section(3, vec([[0], [1], [2], [3]]));
  const exportSec = section(7, vec([
    [...bytesOf("adam"), 0x00, 0], [...bytesOf("bernoulli"), 0x00, 1],
    [...bytesOf("sparseRows"), 0x00, 2], [...bytesOf("transpose"), 0x00, 3],
  ]));
  const bodies = [adamBody(), bernoulliBody(), sparseRowsBody(), transposeBody()];
  const codeSec = section(10, vec(bodies.map((c) => [...uleb(c.length), ...c])));
  return new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, ...typeSec, ...importSec, ...funcSec, ...exportSec, ...codeSec]);
}

const instances = new WeakMap<WebAssembly.Memory, WasmKernels | null>();

/** The kernels bound to `memory` (instantiated once per memory), or null where the module does not validate. */
export function wasmKernels(memory: WebAssembly.Memory): WasmKernels | null {
  if (instances.has(memory)) return instances.get(memory) ?? null;
  let kernels: WasmKernels | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
    const bytes = wasmKernelsModuleBytes(shared);
    if (WebAssembly.validate(bytes)) {
      const ex = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports;
      kernels = {
        adam: ex.adam as WasmKernels["adam"],
        bernoulli: ex.bernoulli as WasmKernels["bernoulli"],
        sparseRows: ex.sparseRows as WasmKernels["sparseRows"],
        transpose: ex.transpose as WasmKernels["transpose"],
      };
    }
  } catch {
    kernels = null;
  }
  instances.set(memory, kernels);
  return kernels;
}
