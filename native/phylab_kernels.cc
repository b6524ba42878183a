// phylab_kernels: non-matmul kernels for the TensorFlow.js wasm backend, run in place on the
// wasm heap (the WebAssembly.Memory ArrayBuffer) like the sgemm of phylab_blas.cc. Part of the
// same addon; registered into its exports by RegisterKernels().
//
// JS API (see lib/engine/native-kernels.ts; shapes are planned by lib/engine/kernel-plans.ts):
//   unary(heap, p)      p = [op, xOff, outOff, n]                  float32; op: UnaryOp
//   softmax(heap, p)    p = [xOff, outOff, rows, cols]             float32, over the last axis
//   reduce(heap, p)     p = [op, xOff, outOff, firstReduced, k, g_0..g_{k-1}]
//                       float32; the input is k groups of merged dims that alternate between
//                       reduced and kept (group 0 reduced iff firstReduced); op: ReduceOp
//   transpose(heap, p)  p = [elemBytes, xOff, outOff, r, d_0..d_{r-1}, perm_0..perm_{r-1}]
//   slice(heap, p)      p = [elemBytes, xOff, outOff, r, d_0.., begin_0.., size_0..]
//   tile(heap, p)       p = [elemBytes, xOff, outOff, r, d_0.., reps_0..]
//   binary(heap, p)     p = [op, aOff, bOff, outOff, r, d_0.., aStride_0.., bStride_0..]
//                       float32 out[i] = a[i·aStride] op b[i·bStride] over the (broadcast) output
//                       dims d; a stride 0 broadcasts that operand along the axis; op: BinaryOp
//   fused(heap, p)      p = [op, ...]: GELU forward/backward, LayerNorm+modulate forward/backward,
//                       AdamW and EMA updates, attention core, gated residual and RoPE forward/
//                       backward (see Fused below); op: FusedOp
//   fusedOps            the number of FusedOp values this build knows
// heap is an ArrayBuffer, p a Float64Array; offsets are byte offsets into the heap. Every offset,
// size and index is validated against the ArrayBuffer before any memory is touched: a bad call
// throws a JS error. Outputs never alias inputs (tfjs allocates a fresh output per kernel call).
#include "phylab_kernels.h"

#include <cblas.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

constexpr int kMaxRank = 32;

enum UnaryOp { U_EXP = 0, U_TANH = 1, U_SIGMOID = 2 };
enum ReduceOp { R_SUM = 0, R_MEAN = 1, R_MAX = 2, R_MIN = 3 };
enum BinaryOp { B_ADD = 0, B_SUB = 1, B_MUL = 2, B_DIV = 3 };

napi_value Throw(napi_env env, const char* msg) {
  napi_throw_error(env, "PHYLAB_KERNELS", msg);
  return nullptr;
}

// The heap and the parameter array of a call f(heap, p).
struct Call {
  char* heap = nullptr;
  size_t heap_len = 0;
  const double* p = nullptr;
  size_t np = 0;
};

// Reads (heap: ArrayBuffer, p: Float64Array); false (with a JS error thrown) when malformed.
bool ReadCall(napi_env env, napi_callback_info info, const char* name, Call* c) {
  size_t argc = 2;
  napi_value argv[2];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 2) {
    Throw(env, name);
    return false;
  }
  bool is_ab = false;
  if (napi_is_arraybuffer(env, argv[0], &is_ab) != napi_ok || !is_ab) {
    Throw(env, "heap must be an ArrayBuffer (not a SharedArrayBuffer)");
    return false;
  }
  void* hp = nullptr;
  if (napi_get_arraybuffer_info(env, argv[0], &hp, &c->heap_len) != napi_ok) {
    Throw(env, "cannot read the heap");
    return false;
  }
  c->heap = static_cast<char*>(hp);
  bool is_ta = false;
  napi_typedarray_type t;
  void* pp = nullptr;
  napi_value ab;
  size_t off;
  if (napi_is_typedarray(env, argv[1], &is_ta) != napi_ok || !is_ta ||
      napi_get_typedarray_info(env, argv[1], &t, &c->np, &pp, &ab, &off) != napi_ok || t != napi_float64_array) {
    Throw(env, "params must be a Float64Array");
    return false;
  }
  c->p = static_cast<const double*>(pp);
  return true;
}

// A non-negative integer below 2^40 (wasm32 heaps are < 2^32 bytes).
bool IsCount(double v) { return v >= 0 && v < 1099511627776.0 && std::floor(v) == v; }

// [off, off + bytes) lies in the heap and off is a multiple of align.
bool InHeap(double off, double bytes, size_t heap_len, int align) {
  return IsCount(off) && std::fmod(off, (double)align) == 0 && bytes >= 0 && off + bytes <= (double)heap_len;
}

// ---------------------------------------------------------------------------------------------
// Elementwise math. Branch-free float32 code (Cephes-style polynomials) that GCC vectorises; on
// x86-64 the loops are compiled for AVX-512, AVX2 and baseline SSE2 and picked at load time.
// Accuracy: exp within ~2 ulp of expf, tanh within ~3 ulp of tanhf (relative error < 4e-7).
// ---------------------------------------------------------------------------------------------
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PHYLAB_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define PHYLAB_CLONES
#endif

#if defined(__has_builtin)
#if __has_builtin(__builtin_bit_cast)
#define PHYLAB_BIT_CAST 1
#endif
#endif
#ifdef PHYLAB_BIT_CAST
inline float BitsToFloat(int32_t i) { return __builtin_bit_cast(float, i); }
inline int32_t FloatToBits(float f) { return __builtin_bit_cast(int32_t, f); }
#else
inline float BitsToFloat(int32_t i) { float f; std::memcpy(&f, &i, 4); return f; }
inline int32_t FloatToBits(float f) { int32_t i; std::memcpy(&i, &f, 4); return i; }
#endif

// e^x for any float x (overflow -> inf, underflow -> 0 through subnormals, NaN -> NaN).
inline float ExpF(float x) {
  x = x > 89.0f ? 89.0f : x;  // comparisons keep NaN
  x = x < -104.0f ? -104.0f : x;
  // n = round(x / ln2) by the 1.5·2^23 trick (no float->int conversion of a NaN)
  const float magic = 12582912.0f;
  const float t = x * 1.44269504088896341f + magic;
  const float fn = t - magic;
  const int32_t n = FloatToBits(t) - FloatToBits(magic);
  // r = x - n·ln2 (Cody–Waite, two parts), |r| <= ln2/2
  float r = x - fn * 0.693359375f;
  r = r - fn * -2.12194440e-4f;
  float p = 1.9875691500E-4f;
  p = p * r + 1.3981999507E-3f;
  p = p * r + 8.3334519073E-3f;
  p = p * r + 4.1665795894E-2f;
  p = p * r + 1.6666665459E-1f;
  p = p * r + 5.0000001201E-1f;
  p = p * (r * r) + r + 1.0f;
  // p · 2^n as p · 2^n1 · 2^n2 so that n in [-150, 129] needs no special case
  const int32_t n1 = n >> 1;
  const int32_t n2 = n - n1;
  return p * BitsToFloat((n1 + 127) << 23) * BitsToFloat((n2 + 127) << 23);
}

inline float TanhF(float x) {
  const float ax = std::fabs(x);
  // |x| >= 0.625: 1 - 2 / (e^{2|x|} + 1), sign restored
  const float big = 1.0f - 2.0f / (ExpF(2.0f * ax) + 1.0f);
  const float big_signed = x < 0.0f ? -big : big;
  // |x| < 0.625: odd polynomial
  const float z = x * x;
  float q = -5.70498872745E-3f;
  q = q * z + 2.06390887954E-2f;
  q = q * z - 5.37397155531E-2f;
  q = q * z + 1.33314422036E-1f;
  q = q * z - 3.33332819422E-1f;
  const float small = q * z * x + x;
  return ax < 0.625f ? small : big_signed;  // NaN: small (= NaN)
}

inline float SigmoidF(float x) { return 1.0f / (1.0f + ExpF(-x)); }

PHYLAB_CLONES void ExpLoop(const float* __restrict x, float* __restrict y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = ExpF(x[i]);
}
PHYLAB_CLONES void TanhLoop(const float* __restrict x, float* __restrict y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = TanhF(x[i]);
}
PHYLAB_CLONES void SigmoidLoop(const float* __restrict x, float* __restrict y, int64_t n) {
  for (int64_t i = 0; i < n; ++i) y[i] = SigmoidF(x[i]);
}

napi_value Unary(napi_env env, napi_callback_info info) {
  Call c;
  if (!ReadCall(env, info, "unary(heap, [op, xOff, outOff, n])", &c)) return nullptr;
  if (c.np < 4) return Throw(env, "unary: params too short");
  const int op = (int)c.p[0];
  const double n = c.p[3];
  if (op < U_EXP || op > U_SIGMOID || c.p[0] != op) return Throw(env, "unary: unknown op");
  if (!IsCount(n)) return Throw(env, "unary: bad size");
  if (!InHeap(c.p[1], 4 * n, c.heap_len, 4) || !InHeap(c.p[2], 4 * n, c.heap_len, 4)) return Throw(env, "unary: tensor outside the heap");
  const float* x = reinterpret_cast<const float*>(c.heap + (size_t)c.p[1]);
  float* y = reinterpret_cast<float*>(c.heap + (size_t)c.p[2]);
  if (op == U_EXP) ExpLoop(x, y, (int64_t)n);
  else if (op == U_TANH) TanhLoop(x, y, (int64_t)n);
  else SigmoidLoop(x, y, (int64_t)n);
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Reductions without a transpose. The input is viewed as groups g_0..g_{k-1} (merged dims,
// alternating reduced/kept). Rows = all groups but the last, visited in memory order:
//  - last group reduced: each contiguous row reduces to one value, combined into its output;
//  - last group kept: each row is combined elementwise into its output row (column sums).
// For a kept last group the reduced elements of each output are added in the same order as the
// stock kernel (which transposes, then sums sequentially), so Sum/Mean there match it bit for bit.
// ---------------------------------------------------------------------------------------------
inline float Combine(int op, float a, float v) {
  if (op == R_MAX) return (v > a || v != v) ? v : a;  // NaN propagates
  if (op == R_MIN) return (v < a || v != v) ? v : a;
  return a + v;
}

PHYLAB_CLONES float SumRow(const float* __restrict x, int64_t n) {
  float acc[16] = {0};
  int64_t j = 0;
  for (; j + 16 <= n; j += 16)
    for (int u = 0; u < 16; ++u) acc[u] += x[j + u];
  float s = 0.0f;
  for (int u = 0; u < 16; u += 2) s += acc[u] + acc[u + 1];
  for (; j < n; ++j) s += x[j];
  return s;
}

// Σ a[j]·b[j] in SumRow's order (16 partial sums, then the tail).
PHYLAB_CLONES float DotRow(const float* __restrict a, const float* __restrict b, int64_t n) {
  float acc[16] = {0};
  int64_t j = 0;
  for (; j + 16 <= n; j += 16)
    for (int u = 0; u < 16; ++u) acc[u] += a[j + u] * b[j + u];
  float s = 0.0f;
  for (int u = 0; u < 16; u += 2) s += acc[u] + acc[u + 1];
  for (; j < n; ++j) s += a[j] * b[j];
  return s;
}

// Order-preserving map of a float's bits to int32 (an involution): a < b as floats (non-NaN)
// iff Key(a) < Key(b) as integers, with -0 < +0. Integer max/min vectorise exactly; the float
// select `v > m ? v : m` does not (GCC needs -ffinite-math-only for that).
inline int32_t Key(float f) {
  const int32_t b = FloatToBits(f);
  return b ^ ((b >> 31) & 0x7fffffff);
}
inline float Unkey(int32_t k) { return BitsToFloat(k ^ ((k >> 31) & 0x7fffffff)); }

PHYLAB_CLONES int HasNan(const float* __restrict x, int64_t n) {
  int nan = 0;
  for (int64_t i = 0; i < n; ++i) nan |= x[i] != x[i];
  return nan;
}

// Max (or min) of a row (n >= 1) with 16 running maxima; NaN propagates, as in the stock kernel.
PHYLAB_CLONES float MaxRow(const float* __restrict x, int64_t n, bool is_min) {
  if (HasNan(x, n)) return std::nanf("");
  int32_t acc[16];
  for (int u = 0; u < 16; ++u) acc[u] = Key(x[0]);
  int64_t j = 0;
  if (is_min) {
    for (; j + 16 <= n; j += 16)
      for (int u = 0; u < 16; ++u) {
        const int32_t v = Key(x[j + u]);
        acc[u] = v < acc[u] ? v : acc[u];
      }
  } else {
    for (; j + 16 <= n; j += 16)
      for (int u = 0; u < 16; ++u) {
        const int32_t v = Key(x[j + u]);
        acc[u] = v > acc[u] ? v : acc[u];
      }
  }
  int32_t m = acc[0];
  for (int u = 1; u < 16; ++u) m = is_min ? (acc[u] < m ? acc[u] : m) : (acc[u] > m ? acc[u] : m);
  for (; j < n; ++j) {
    const int32_t v = Key(x[j]);
    m = is_min ? (v < m ? v : m) : (v > m ? v : m);
  }
  return Unkey(m);
}

PHYLAB_CLONES void AddInto(float* __restrict out, const float* __restrict x, int64_t n) {
  for (int64_t j = 0; j < n; ++j) out[j] += x[j];
}
PHYLAB_CLONES void MaxInto(float* __restrict out, const float* __restrict x, int64_t n, bool is_min) {
  if (is_min) {
    for (int64_t j = 0; j < n; ++j) out[j] = (x[j] < out[j] || x[j] != x[j]) ? x[j] : out[j];
  } else {
    for (int64_t j = 0; j < n; ++j) out[j] = (x[j] > out[j] || x[j] != x[j]) ? x[j] : out[j];
  }
}

// Softmax over rows of length cols: y = e^(x - max) · (1 / Σ e^(x - max)) (as XNNPACK's, the stock one).
PHYLAB_CLONES void SoftmaxRows(const float* __restrict x, float* __restrict y, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    const float m = MaxRow(xr, cols, false);  // NaN in the row: all NaN
    for (int64_t j = 0; j < cols; ++j) yr[j] = ExpF(xr[j] - m);
    float acc[16] = {0};
    int64_t j = 0;
    for (; j + 16 <= cols; j += 16)
      for (int u = 0; u < 16; ++u) acc[u] += yr[j + u];
    float s = 0.0f;
    for (; j < cols; ++j) s += yr[j];
    for (int u = 0; u < 16; ++u) s += acc[u];
    const float inv = 1.0f / s;
    for (int64_t k = 0; k < cols; ++k) yr[k] *= inv;
  }
}

napi_value Softmax(napi_env env, napi_callback_info info) {
  Call c;
  if (!ReadCall(env, info, "softmax(heap, [xOff, outOff, rows, cols])", &c)) return nullptr;
  if (c.np < 4) return Throw(env, "softmax: params too short");
  const double rows = c.p[2], cols = c.p[3];
  if (!IsCount(rows) || !IsCount(cols) || cols < 1) return Throw(env, "softmax: bad size");
  const double bytes = 4 * rows * cols;
  if (!InHeap(c.p[0], bytes, c.heap_len, 4) || !InHeap(c.p[1], bytes, c.heap_len, 4)) return Throw(env, "softmax: tensor outside the heap");
  SoftmaxRows(reinterpret_cast<const float*>(c.heap + (size_t)c.p[0]), reinterpret_cast<float*>(c.heap + (size_t)c.p[1]),
              (int64_t)rows, (int64_t)cols);
  return nullptr;
}

napi_value Reduce(napi_env env, napi_callback_info info) {
  Call c;
  if (!ReadCall(env, info, "reduce(heap, [op, xOff, outOff, firstReduced, k, g...])", &c)) return nullptr;
  if (c.np < 5) return Throw(env, "reduce: params too short");
  const int op = (int)c.p[0];
  if (op < R_SUM || op > R_MIN || c.p[0] != op) return Throw(env, "reduce: unknown op");
  const bool first_reduced = c.p[3] != 0;
  const double kd = c.p[4];
  if (!IsCount(kd) || kd < 1 || kd > kMaxRank || c.np < 5 + (size_t)kd) return Throw(env, "reduce: bad group count");
  const int k = (int)kd;
  int64_t g[kMaxRank];
  bool red[kMaxRank];
  double total = 1, out_total = 1, red_total = 1;
  for (int i = 0; i < k; ++i) {
    const double v = c.p[5 + i];
    if (!IsCount(v) || v < 1) return Throw(env, "reduce: group sizes must be integers >= 1");
    g[i] = (int64_t)v;
    red[i] = (i % 2 == 0) == first_reduced;
    total *= v;
    if (red[i]) red_total *= v;
    else out_total *= v;
  }
  if (!InHeap(c.p[1], 4 * total, c.heap_len, 4)) return Throw(env, "reduce: input outside the heap");
  if (!InHeap(c.p[2], 4 * out_total, c.heap_len, 4)) return Throw(env, "reduce: output outside the heap");
  const float* x = reinterpret_cast<const float*>(c.heap + (size_t)c.p[1]);
  float* out = reinterpret_cast<float*>(c.heap + (size_t)c.p[2]);
  const bool is_max = op == R_MAX || op == R_MIN;
  const bool is_min = op == R_MIN;

  // Output stride (in elements) of each kept group (row-major over the kept groups); o below is
  // the output offset of the current row.
  int64_t ostride[kMaxRank];
  int64_t s = 1;
  for (int i = k - 1; i >= 0; --i) {
    ostride[i] = red[i] ? 0 : s;
    if (!red[i]) s *= g[i];
  }
  const int64_t L = g[k - 1];
  const bool inner_reduced = red[k - 1];
  const int64_t rows = (int64_t)(total / (double)L);

  // The first row that writes an output initialises it (all reduced indices 0 before the row).
  int64_t idx[kMaxRank] = {0};
  int64_t o = 0;
  for (int64_t r = 0; r < rows; ++r) {
    bool first = true;
    for (int i = 0; i < k - 1; ++i) if (red[i] && idx[i] != 0) { first = false; break; }
    const float* row = x + r * L;
    if (inner_reduced) {
      const float v = is_max ? MaxRow(row, L, is_min) : SumRow(row, L);
      out[o] = first ? v : Combine(op, out[o], v);
    } else if (first) {
      std::memcpy(out + o, row, sizeof(float) * (size_t)L);
    } else if (is_max) {
      MaxInto(out + o, row, L, is_min);
    } else {
      AddInto(out + o, row, L);
    }
    // advance the odometer over groups 0..k-2
    for (int i = k - 2; i >= 0; --i) {
      o += ostride[i];
      if (++idx[i] < g[i]) break;
      o -= ostride[i] * g[i];
      idx[i] = 0;
    }
  }
  if (op == R_MEAN) {
    const float n = (float)red_total;
    const int64_t m = (int64_t)out_total;
    for (int64_t i = 0; i < m; ++i) out[i] = out[i] / n;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Copies: transpose, slice, tile (element size 1, 2, 4 or 8 bytes).
// ---------------------------------------------------------------------------------------------
struct Shape {
  int r = 0;
  int64_t d[kMaxRank];
};

// Reads r, then r dims (and `extra` more arrays of r integers) starting at p[3].
bool ReadShape(const Call& c, Shape* s, double* total, int extra) {
  if (c.np < 4 || !IsCount(c.p[3]) || c.p[3] < 1 || c.p[3] > kMaxRank) return false;
  s->r = (int)c.p[3];
  if (c.np < 4 + (size_t)s->r * (1 + extra)) return false;
  *total = 1;
  for (int i = 0; i < s->r; ++i) {
    const double v = c.p[4 + i];
    if (!IsCount(v)) return false;
    s->d[i] = (int64_t)v;
    *total *= v;
  }
  return true;
}

// out[c * out_cs + r] = in[r * in_rs + c] for r < rows, c < cols: 64 x 64 blocks of 8 x 8 tiles
// gathered in registers, so every output cache line receives 8 contiguous elements at once (one
// element per line thrashes the cache when the output stride is a power of two: 10x slower).
template <typename T>
PHYLAB_CLONES void Transpose2D(const T* __restrict in, T* __restrict out, int64_t rows, int64_t cols, int64_t in_rs, int64_t out_cs) {
  constexpr int64_t B = 64;
  for (int64_t rb = 0; rb < rows; rb += B) {
    const int64_t re = rb + B < rows ? rb + B : rows;
    for (int64_t cb = 0; cb < cols; cb += B) {
      const int64_t ce = cb + B < cols ? cb + B : cols;
      int64_t r = rb;
      for (; r + 8 <= re; r += 8) {
        int64_t c = cb;
        for (; c + 8 <= ce; c += 8) {
          T t[8][8];
          for (int i = 0; i < 8; ++i)
            for (int j = 0; j < 8; ++j) t[j][i] = in[(r + i) * in_rs + c + j];
          for (int j = 0; j < 8; ++j)
            for (int i = 0; i < 8; ++i) out[(c + j) * out_cs + r + i] = t[j][i];
        }
        for (; c < ce; ++c)
          for (int i = 0; i < 8; ++i) out[c * out_cs + r + i] = in[(r + i) * in_rs + c];
      }
      for (; r < re; ++r)
        for (int64_t c = cb; c < ce; ++c) out[c * out_cs + r] = in[r * in_rs + c];
    }
  }
}

template <typename T>
void TransposeT(const char* xb, char* ob, const Shape& s, const int* perm) {
  const T* x = reinterpret_cast<const T*>(xb);
  T* out = reinterpret_cast<T*>(ob);
  const int r = s.r;
  int64_t istride[kMaxRank], ostride_of_in[kMaxRank];
  int64_t st = 1;
  for (int i = r - 1; i >= 0; --i) { istride[i] = st; st *= s.d[i]; }
  // output axis j holds input axis perm[j]; output stride of input axis perm[j]
  st = 1;
  for (int j = r - 1; j >= 0; --j) { ostride_of_in[perm[j]] = st; st *= s.d[perm[j]]; }
  const int inner_in = r - 1;      // contiguous in the input
  const int inner_out = perm[r - 1];  // contiguous in the output
  // The loop visits all axes but the (one or two) inner ones with an odometer.
  int axes[kMaxRank];
  int na = 0;
  for (int i = 0; i < r; ++i) if (i != inner_in && i != inner_out) axes[na++] = i;
  int64_t idx[kMaxRank] = {0};
  int64_t xo = 0, oo = 0;
  while (true) {
    if (inner_in == inner_out) {
      std::memcpy(out + oo, x + xo, sizeof(T) * (size_t)s.d[inner_in]);
    } else {
      Transpose2D<T>(x + xo, out + oo, s.d[inner_out], s.d[inner_in], istride[inner_out], ostride_of_in[inner_in]);
    }
    int a = na - 1;
    for (; a >= 0; --a) {
      const int ax = axes[a];
      xo += istride[ax];
      oo += ostride_of_in[ax];
      if (++idx[a] < s.d[ax]) break;
      xo -= istride[ax] * s.d[ax];
      oo -= ostride_of_in[ax] * s.d[ax];
      idx[a] = 0;
    }
    if (a < 0) break;
  }
}

bool ElemBytes(double v, int* eb) {
  if (v != 1 && v != 2 && v != 4 && v != 8) return false;
  *eb = (int)v;
  return true;
}

napi_value Transpose(napi_env env, napi_callback_info info) {
  Call c;
  if (!ReadCall(env, info, "transpose(heap, [elemBytes, xOff, outOff, r, dims..., perm...])", &c)) return nullptr;
  int eb;
  if (c.np < 1 || !ElemBytes(c.p[0], &eb)) return Throw(env, "transpose: elemBytes must be 1, 2, 4 or 8");
  Shape s;
  double total;
  if (!ReadShape(c, &s, &total, 1)) return Throw(env, "transpose: bad shape");
  int perm[kMaxRank];
  bool seen[kMaxRank] = {false};
  for (int i = 0; i < s.r; ++i) {
    const double v = c.p[4 + s.r + i];
    if (!IsCount(v) || v >= s.r || seen[(int)v]) return Throw(env, "transpose: perm is not a permutation");
    perm[i] = (int)v;
    seen[perm[i]] = true;
  }
  if (!InHeap(c.p[1], eb * total, c.heap_len, eb) || !InHeap(c.p[2], eb * total, c.heap_len, eb)) return Throw(env, "transpose: tensor outside the heap");
  if (total == 0) return nullptr;
  const char* x = c.heap + (size_t)c.p[1];
  char* o = c.heap + (size_t)c.p[2];
  switch (eb) {
    case 1: TransposeT<uint8_t>(x, o, s, perm); break;
    case 2: TransposeT<uint16_t>(x, o, s, perm); break;
    case 4: TransposeT<uint32_t>(x, o, s, perm); break;
    default: TransposeT<uint64_t>(x, o, s, perm); break;
  }
  return nullptr;
}

// Copies the box begin..begin+size of x (dims d) into out, row by row.
void SliceCopy(const char* x, char* out, int eb, const Shape& s, const int64_t* begin, const int64_t* size) {
  const int r = s.r;
  int64_t istride[kMaxRank];
  int64_t st = 1;
  for (int i = r - 1; i >= 0; --i) { istride[i] = st; st *= s.d[i]; }
  int64_t xo = 0;
  for (int i = 0; i < r; ++i) xo += begin[i] * istride[i];
  const size_t row = (size_t)size[r - 1] * eb;
  int64_t idx[kMaxRank] = {0};
  char* o = out;
  while (true) {
    std::memcpy(o, x + xo * eb, row);
    o += row;
    int a = r - 2;
    for (; a >= 0; --a) {
      xo += istride[a];
      if (++idx[a] < size[a]) break;
      xo -= istride[a] * size[a];
      idx[a] = 0;
    }
    if (a < 0) break;
  }
}

napi_value Slice(napi_env env, napi_callback_info info) {
  Call c;
  if (!ReadCall(env, info, "slice(heap, [elemBytes, xOff, outOff, r, dims..., begin..., size...])", &c)) return nullptr;
  int eb;
  if (c.np < 1 || !ElemBytes(c.p[0], &eb)) return Throw(env, "slice: elemBytes must be 1, 2, 4 or 8");
  Shape s;
  double total;
  if (!ReadShape(c, &s, &total, 2)) return Throw(env, "slice: bad shape");
  int64_t begin[kMaxRank], size[kMaxRank];
  double out_total = 1;
  for (int i = 0; i < s.r; ++i) {
    const double b = c.p[4 + s.r + i], z = c.p[4 + 2 * s.r + i];
    if (!IsCount(b) || !IsCount(z) || b + z > (double)s.d[i]) return Throw(env, "slice: box outside the input");
    begin[i] = (int64_t)b;
    size[i] = (int64_t)z;
    out_total *= z;
  }
  if (!InHeap(c.p[1], eb * total, c.heap_len, eb) || !InHeap(c.p[2], eb * out_total, c.heap_len, eb)) return Throw(env, "slice: tensor outside the heap");
  if (out_total == 0) return nullptr;
  SliceCopy(c.heap + (size_t)c.p[1], c.heap + (size_t)c.p[2], eb, s, begin, size);
  return nullptr;
}

napi_value Tile(napi_env env, napi_callback_info info) {
  Call c;
  if (!ReadCall(env, info, "tile(heap, [elemBytes, xOff, outOff, r, dims..., reps...])", &c)) return nullptr;
  int eb;
  if (c.np < 1 || !ElemBytes(c.p[0], &eb)) return Throw(env, "tile: elemBytes must be 1, 2, 4 or 8");
  Shape s;
  double total;
  if (!ReadShape(c, &s, &total, 1)) return Throw(env, "tile: bad shape");
  const int r = s.r;
  int64_t od[kMaxRank];
  double out_total = 1;
  for (int i = 0; i < r; ++i) {
    const double v = c.p[4 + r + i];
    if (!IsCount(v)) return Throw(env, "tile: reps must be integers >= 0");
    od[i] = s.d[i] * (int64_t)v;
    out_total *= (double)s.d[i] * v;
  }
  if (!InHeap(c.p[1], eb * total, c.heap_len, eb) || !InHeap(c.p[2], eb * out_total, c.heap_len, eb)) return Throw(env, "tile: tensor outside the heap");
  if (out_total == 0) return nullptr;
  const char* x = c.heap + (size_t)c.p[1];
  char* out = c.heap + (size_t)c.p[2];
  int64_t istride[kMaxRank];
  int64_t st = 1;
  for (int i = r - 1; i >= 0; --i) { istride[i] = st; st *= s.d[i]; }
  // Each output row (all axes but the last) repeats one input row: source row by index mod d.
  const int64_t in_row = s.d[r - 1], out_row = od[r - 1];
  int64_t idx[kMaxRank] = {0};  // output index over axes 0..r-2
  int64_t src[kMaxRank] = {0};  // that index mod d
  int64_t xo = 0;
  char* o = out;
  const size_t rb = (size_t)in_row * eb;
  while (true) {
    const char* xr = x + xo * eb;
    if (in_row == 1 && eb == 4) {
      uint32_t v;
      std::memcpy(&v, xr, 4);
      uint32_t* o4 = reinterpret_cast<uint32_t*>(o);
      for (int64_t j = 0; j < out_row; ++j) o4[j] = v;
    } else if (in_row == 1) {
      for (int64_t j = 0; j < out_row; ++j) std::memcpy(o + j * eb, xr, eb);
    } else {
      for (int64_t j = 0; j < out_row; j += in_row) std::memcpy(o + j * eb, xr, rb);
    }
    o += (size_t)out_row * eb;
    int a = r - 2;
    for (; a >= 0; --a) {
      ++idx[a];
      if (++src[a] == s.d[a]) { src[a] = 0; xo -= istride[a] * (s.d[a] - 1); }
      else xo += istride[a];
      if (idx[a] < od[a]) break;
      idx[a] = 0;  // od[a] is a multiple of d[a]: src[a] has just wrapped to 0 (xo back at the row start)
    }
    if (a < 0) break;
  }
  return nullptr;
}

// ---------------------------------------------------------------------------------------------
// Broadcasting binary arithmetic (float32). The innermost axis runs one of four vectorised loops
// (vector-vector, vector-scalar, scalar-vector, scalar-scalar); outer axes use an odometer.
// Plain IEEE operations: the results equal the stock kernels' bit for bit.
// ---------------------------------------------------------------------------------------------
template <int Op>
inline float Apply(float a, float b) {
  if (Op == B_ADD) return a + b;
  if (Op == B_SUB) return a - b;
  if (Op == B_MUL) return a * b;
  return a / b;
}

template <int Op>
PHYLAB_CLONES void BinaryRow(const float* __restrict a, const float* __restrict b, float* __restrict out, int64_t n, int sa, int sb) {
  if (sa && sb) {
    for (int64_t j = 0; j < n; ++j) out[j] = Apply<Op>(a[j], b[j]);
  } else if (sa) {
    const float bv = b[0];
    for (int64_t j = 0; j < n; ++j) out[j] = Apply<Op>(a[j], bv);
  } else if (sb) {
    const float av = a[0];
    for (int64_t j = 0; j < n; ++j) out[j] = Apply<Op>(av, b[j]);
  } else {
    const float v = Apply<Op>(a[0], b[0]);
    for (int64_t j = 0; j < n; ++j) out[j] = v;
  }
}

template <int Op>
void BinaryT(const float* a, const float* b, float* out, int r, const int64_t* d, const int64_t* as, const int64_t* bs) {
  const int64_t n = d[r - 1];
  const int sa = as[r - 1] != 0, sb = bs[r - 1] != 0;
  int64_t idx[kMaxRank] = {0};
  int64_t ao = 0, bo = 0;
  float* o = out;
  while (true) {
    BinaryRow<Op>(a + ao, b + bo, o, n, sa, sb);
    o += n;
    int ax = r - 2;
    for (; ax >= 0; --ax) {
      ao += as[ax];
      bo += bs[ax];
      if (++idx[ax] < d[ax]) break;
      ao -= as[ax] * d[ax];
      bo -= bs[ax] * d[ax];
      idx[ax] = 0;
    }
    if (ax < 0) break;
  }
}

napi_value Binary(napi_env env, napi_callback_info info) {
  Call c;
  if (!ReadCall(env, info, "binary(heap, [op, aOff, bOff, outOff, r, dims..., aStrides..., bStrides...])", &c)) return nullptr;
  if (c.np < 5) return Throw(env, "binary: params too short");
  const int op = (int)c.p[0];
  if (op < B_ADD || op > B_DIV || c.p[0] != op) return Throw(env, "binary: unknown op");
  if (!IsCount(c.p[4]) || c.p[4] < 1 || c.p[4] > kMaxRank) return Throw(env, "binary: bad rank");
  const int r = (int)c.p[4];
  if (c.np < 5 + 3 * (size_t)r) return Throw(env, "binary: params too short");
  int64_t d[kMaxRank], as[kMaxRank], bs[kMaxRank];
  double total = 1, a_last = 0, b_last = 0;  // highest element index read + 1
  for (int i = 0; i < r; ++i) {
    const double v = c.p[5 + i], sa = c.p[5 + r + i], sb = c.p[5 + 2 * r + i];
    if (!IsCount(v) || !IsCount(sa) || !IsCount(sb)) return Throw(env, "binary: dims and strides must be integers >= 0");
    d[i] = (int64_t)v;
    as[i] = (int64_t)sa;
    bs[i] = (int64_t)sb;
    total *= v;
    if (v > 0) {
      a_last += (v - 1) * sa;
      b_last += (v - 1) * sb;
    }
  }
  if (!InHeap(c.p[3], 4 * total, c.heap_len, 4)) return Throw(env, "binary: output outside the heap");
  if (total == 0) return nullptr;
  if (!InHeap(c.p[1], 4 * (a_last + 1), c.heap_len, 4) || !InHeap(c.p[2], 4 * (b_last + 1), c.heap_len, 4)) return Throw(env, "binary: input outside the heap");
  const float* a = reinterpret_cast<const float*>(c.heap + (size_t)c.p[1]);
  const float* b = reinterpret_cast<const float*>(c.heap + (size_t)c.p[2]);
  float* out = reinterpret_cast<float*>(c.heap + (size_t)c.p[3]);
  switch (op) {
    case B_ADD: BinaryT<B_ADD>(a, b, out, r, d, as, bs); break;
    case B_SUB: BinaryT<B_SUB>(a, b, out, r, d, as, bs); break;
    case B_MUL: BinaryT<B_MUL>(a, b, out, r, d, as, bs); break;
    default: BinaryT<B_DIV>(a, b, out, r, d, as, bs); break;
  }
  return nullptr;
}


// ---------------------------------------------------------------------------------------------
// Fused model kernels (lib/engine/fused-kernels.ts): each replaces a chain of 6-14 elementwise
// tfjs kernels of the DiT step with one pass over memory. Scalars arrive as doubles and are
// rounded to float32 first, as tfjs does with a JS number operand, and the operations run in
// the order of the composite tf code they replace.
// ---------------------------------------------------------------------------------------------

// GELU (tanh approximation) as u·σ(2z), 2z = K·u·(1 + A·u²) (lib/model/mlp.ts):
//   forward  s = σ(2z), a = u·s
//   backward du = da·(s + u·s·(1 − s)·K·(1 + 3A·u²))
PHYLAB_CLONES void GeluFwdLoop(const float* __restrict u, float* __restrict s, float* __restrict a, int64_t n, float ca, float ck) {
  for (int64_t i = 0; i < n; ++i) {
    const float x = u[i];
    const float z2 = (x * ((x * x) * ca + 1.0f)) * ck;
    const float sg = SigmoidF(z2);
    s[i] = sg;
    a[i] = x * sg;
  }
}
PHYLAB_CLONES void GeluBwdLoop(const float* __restrict da, const float* __restrict u, const float* __restrict s, float* __restrict du, int64_t n, float ca3, float ck) {
  for (int64_t i = 0; i < n; ++i) {
    const float x = u[i], sg = s[i];
    const float dz2 = ((x * x) * ca3 + 1.0f) * ck;
    du[i] = da[i] * (sg + ((x * sg) * (1.0f - sg)) * dz2);
  }
}

// LayerNorm over rows of length w, then y = xhat·(1 + scale) + shift with shift/scale rows
// shared by `n` consecutive rows (x (B, N, W); shift, scale (B, 1, W)).
PHYLAB_CLONES void LnModFwdRows(const float* __restrict x, const float* __restrict shift, const float* __restrict scale, float* __restrict y,
                                float* __restrict xhat, float* __restrict rstd, int64_t batches, int64_t n, int64_t w, float eps) {
  const float fw = (float)w;
  for (int64_t b = 0; b < batches; ++b) {
    const float* sh = shift + b * w;
    const float* sc = scale + b * w;
    for (int64_t r = 0; r < n; ++r) {
      const int64_t row = b * n + r;
      const float* xr = x + row * w;
      float* xh = xhat + row * w;
      float* yr = y + row * w;
      const float mean = SumRow(xr, w) / fw;
      for (int64_t j = 0; j < w; ++j) xh[j] = xr[j] - mean;
      const float var = DotRow(xh, xh, w);
      const float rs = 1.0f / std::sqrt(var / fw + eps);
      rstd[row] = rs;
      for (int64_t k = 0; k < w; ++k) {
        const float h = xh[k] * rs;
        xh[k] = h;
        yr[k] = h * (sc[k] + 1.0f) + sh[k];
      }
    }
  }
}

// The rest of the fused kernels are compiled without FMA contraction: AdamW, EMA, the gated
// residual and RoPE then equal the composite tf code (lib/train/adamw.ts, ema.ts, lib/model/dit.ts,
// attention.ts) bit for bit, and in the LayerNorm backward
// dxhat − mean(dxhat) is exactly 0 where it should be (a contracted a·b − c keeps the rounding
// error of a·b, which rstd then amplifies up to 1/√eps = 1000x).
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")

// Σ a·b and Σ a·b·c over a row with 16 partial sums each (the order of SumRow; vectorised).
PHYLAB_CLONES void DotRows(const float* __restrict a, const float* __restrict b, const float* __restrict c, int64_t n, float* ab, float* abc) {
  float s1[16] = {0}, s2[16] = {0};
  int64_t j = 0;
  for (; j + 16 <= n; j += 16)
    for (int u = 0; u < 16; ++u) {
      const float t = a[j + u] * b[j + u];
      s1[u] += t;
      s2[u] += t * c[j + u];
    }
  float r1 = 0.0f, r2 = 0.0f;
  for (int u = 0; u < 16; u += 2) {
    r1 += s1[u] + s1[u + 1];
    r2 += s2[u] + s2[u + 1];
  }
  for (; j < n; ++j) {
    const float t = a[j] * b[j];
    r1 += t;
    r2 += t * c[j];
  }
  *ab = r1;
  *abc = r2;
}

// Backward of LnModFwdRows: dx = rstd·(g·dy − mean(g·dy) − xhat·mean(g·dy·xhat)), g = 1 + scale;
// dShift = Σ_n dy, dScale = Σ_n dy·xhat (summed over the rows sharing a shift/scale row).
PHYLAB_CLONES void LnModBwdRows(const float* __restrict dy, const float* __restrict xhat, const float* __restrict rstd, const float* __restrict scale,
                                float* __restrict dx, float* __restrict dshift, float* __restrict dscale, float* __restrict gbuf,
                                int64_t batches, int64_t n, int64_t w) {
  const float fw = (float)w;
  for (int64_t b = 0; b < batches; ++b) {
    const float* sc = scale + b * w;
    float* dsh = dshift + b * w;
    float* dsc = dscale + b * w;
    for (int64_t k = 0; k < w; ++k) {
      gbuf[k] = sc[k] + 1.0f;
      dsh[k] = 0.0f;
      dsc[k] = 0.0f;
    }
    for (int64_t r = 0; r < n; ++r) {
      const int64_t row = b * n + r;
      const float* dyr = dy + row * w;
      const float* xh = xhat + row * w;
      float* dxr = dx + row * w;
      float s1, s2;
      DotRows(dyr, gbuf, xh, w, &s1, &s2);
      const float m1 = s1 / fw, m2 = s2 / fw, rs = rstd[row];
      for (int64_t k = 0; k < w; ++k) {
        dxr[k] = ((dyr[k] * gbuf[k] - m1) - xh[k] * m2) * rs;
        dsh[k] += dyr[k];
        dsc[k] += dyr[k] * xh[k];
      }
    }
  }
}

PHYLAB_CLONES void AdamWLoop(const float* __restrict p, const float* __restrict g, const float* __restrict m, const float* __restrict v,
                             float* __restrict np, float* __restrict nm, float* __restrict nv, int64_t n, const float* k, bool decay) {
  const float gs = k[0], b1 = k[1], c1 = k[2], b2 = k[3], c2 = k[4], ibc2 = k[5], eps = k[6], step = k[7], wd = k[8];
  for (int64_t i = 0; i < n; ++i) {
    const float gi = g[i] * gs;
    const float m1 = m[i] * b1 + gi * c1;
    const float v1 = v[i] * b2 + (gi * gi) * c2;
    const float denom = std::sqrt(v1) * ibc2 + eps;
    float upd = (m1 / denom) * step;
    if (decay) upd = upd + p[i] * wd;
    nm[i] = m1;
    nv[i] = v1;
    np[i] = p[i] - upd;
  }
}
PHYLAB_CLONES void EmaLoop(const float* __restrict e, const float* __restrict p, float* __restrict out, int64_t n, float d, float c) {
  for (int64_t i = 0; i < n; ++i) out[i] = e[i] * d + p[i] * c;
}

// Gated residual of a DiT block (lib/model/dit.ts), x, a (B, N, W), g (B, 1, W):
//   forward  y = x + g ⊙ a
//   backward da = dy ⊙ g, dg = Σ_n dy ⊙ a (rows added in order, from the first: as tf.sum)
PHYLAB_CLONES void GateFwdRows(const float* __restrict x, const float* __restrict g, const float* __restrict a, float* __restrict y,
                               int64_t batches, int64_t n, int64_t w) {
  for (int64_t b = 0; b < batches; ++b) {
    const float* gb = g + b * w;
    for (int64_t r = 0; r < n; ++r) {
      const int64_t o = (b * n + r) * w;
      for (int64_t k = 0; k < w; ++k) y[o + k] = x[o + k] + gb[k] * a[o + k];
    }
  }
}
PHYLAB_CLONES void GateBwdRows(const float* __restrict dy, const float* __restrict g, const float* __restrict a, float* __restrict da,
                               float* __restrict dg, int64_t batches, int64_t n, int64_t w) {
  for (int64_t b = 0; b < batches; ++b) {
    const float* gb = g + b * w;
    float* dgb = dg + b * w;
    for (int64_t r = 0; r < n; ++r) {
      const int64_t o = (b * n + r) * w;
      for (int64_t k = 0; k < w; ++k) {
        da[o + k] = dy[o + k] * gb[k];
        const float t = dy[o + k] * a[o + k];
        dgb[k] = r == 0 ? t : dgb[k] + t;
      }
    }
  }
}

// RoPE in the rotate-half layout of lib/model/rope.ts on token-layout (B·N, W) tensors, heads of hd
// features, cos/sin (N, W): per head, pair (lo, hi = lo + hd/2) with rotateHalf(x) = (−x_hi, x_lo)
//   forward  y = x ⊙ cos + rotateHalf(x) ⊙ sin
//   backward dx = dy ⊙ cos + rotateHalfᵀ(dy ⊙ sin),  rotateHalfᵀ(u) = (u_hi, −u_lo)
// Products and sums as the composite tf code (the signed permutation matmul is exact).
PHYLAB_CLONES void RopeRows(const float* __restrict x, const float* __restrict cs, const float* __restrict sn, float* __restrict y,
                            int64_t batches, int64_t n, int64_t w, int64_t hd, bool backward) {
  const int64_t half = hd / 2;
  for (int64_t b = 0; b < batches; ++b)
    for (int64_t r = 0; r < n; ++r) {
      const float* xr = x + (b * n + r) * w;
      float* yr = y + (b * n + r) * w;
      const float* c = cs + r * w;
      const float* s = sn + r * w;
      for (int64_t h0 = 0; h0 < w; h0 += hd)
        for (int64_t lo = h0; lo < h0 + half; ++lo) {
          const int64_t hi = lo + half;
          if (backward) {
            yr[lo] = xr[lo] * c[lo] + xr[hi] * s[hi];
            yr[hi] = xr[hi] * c[hi] + -(xr[lo] * s[lo]);
          } else {
            yr[lo] = xr[lo] * c[lo] + -xr[hi] * s[lo];
            yr[hi] = xr[hi] * c[hi] + xr[lo] * s[hi];
          }
        }
    }
}
#pragma GCC pop_options

// ---------------------------------------------------------------------------------------------
// Attention core (lib/model/attention.ts), per sequence b and head h, on strided (N, hd) blocks of
// the token-layout (M, W) tensors (M = B·N, head h = columns h·hd .. h·hd + hd − 1, ld W): no
// transposes, one sgemm per product.
//   forward   P = softmax(scale·Q Kᵀ) (B, H, N, N, row-major), O = P V (into O's head columns)
//   backward  dV = Pᵀ dO, dP = dO Vᵀ, dS = P ⊙ (dP − rowsum(dP ⊙ P)),
//             dQ = scale·dS K, dK = scale·dSᵀ Q
// ---------------------------------------------------------------------------------------------

// Softmax of rows of length cols in place: e^(x − max) · (1 / Σ e^(x − max)), as SoftmaxRows.
PHYLAB_CLONES void SoftmaxRowsInPlace(float* __restrict x, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    float* xr = x + r * cols;
    const float m = MaxRow(xr, cols, false);  // NaN in the row: all NaN
    for (int64_t j = 0; j < cols; ++j) xr[j] = ExpF(xr[j] - m);
    const float inv = 1.0f / SumRow(xr, cols);
    for (int64_t j = 0; j < cols; ++j) xr[j] *= inv;
  }
}

// dS = P ⊙ (dP − rowsum(dP ⊙ P)) in place in dp (rows of length cols).
PHYLAB_CLONES void SoftmaxBwdRows(const float* __restrict p, float* __restrict dp, int64_t rows, int64_t cols) {
  for (int64_t r = 0; r < rows; ++r) {
    const float* pr = p + r * cols;
    float* dr = dp + r * cols;
    const float s = DotRow(dr, pr, cols);
    for (int64_t k = 0; k < cols; ++k) dr[k] = pr[k] * (dr[k] - s);
  }
}

// q, k, v, o: (B·N, W); probs: (B, H, N, N); hd = W / H.
void AttnFwd(const float* q, const float* k, const float* v, float* o, float* probs, int64_t B, int64_t N, int64_t H, int64_t W, float scale) {
  const int64_t hd = W / H;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h) {
      const int64_t base = b * N * W + h * hd;
      float* P = probs + (b * H + h) * N * N;
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, (int)N, (int)N, (int)hd, scale, q + base, (int)W, k + base, (int)W, 0.0f, P, (int)N);
      SoftmaxRowsInPlace(P, N, N);
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, (int)N, (int)hd, (int)N, 1.0f, P, (int)N, v + base, (int)W, 0.0f, o + base, (int)W);
    }
}

// dO, q, k, v, dq, dk, dv: (B·N, W); probs: (B, H, N, N); ds: scratch of N·N floats.
void AttnBwd(const float* dO, const float* q, const float* k, const float* v, const float* probs, float* dq, float* dk, float* dv,
             float* ds, int64_t B, int64_t N, int64_t H, int64_t W, float scale) {
  const int64_t hd = W / H;
  const int n = (int)N, d = (int)hd, w = (int)W;
  for (int64_t b = 0; b < B; ++b)
    for (int64_t h = 0; h < H; ++h) {
      const int64_t base = b * N * W + h * hd;
      const float* P = probs + (b * H + h) * N * N;
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, d, n, 1.0f, P, n, dO + base, w, 0.0f, dv + base, w);    // dV = Pᵀ dO
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, n, d, 1.0f, dO + base, w, v + base, w, 0.0f, ds, n);     // dP = dO Vᵀ
      SoftmaxBwdRows(P, ds, N, N);                                                                                      // dS
      cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, d, n, scale, ds, n, k + base, w, 0.0f, dq + base, w);  // dQ = scale·dS K
      cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, n, d, n, scale, ds, n, q + base, w, 0.0f, dk + base, w);    // dK = scale·dSᵀ Q
    }
}

constexpr int kMaxLnWidth = 4096;  // LayerNorm rows up to this width (fused-kernels.ts falls back above)

enum FusedOp { F_GELU_FWD = 0, F_GELU_BWD = 1, F_LN_FWD = 2, F_LN_BWD = 3, F_ADAMW = 4, F_EMA = 5, F_ATTN_FWD = 6, F_ATTN_BWD = 7, F_GATE_FWD = 8, F_GATE_BWD = 9, F_ROPE_FWD = 10, F_ROPE_BWD = 11, F_COUNT = 12 };

// fused(heap, p): p[0] = op, then per op (offsets in bytes; float32 tensors):
//   GELU_FWD  [0, n, uOff, sOff, aOff, A, K]
//   GELU_BWD  [1, n, daOff, uOff, sOff, duOff, 3A, K]
//   LN_FWD    [2, B, N, W, xOff, shiftOff, scaleOff, yOff, xhatOff, rstdOff, eps]
//   LN_BWD    [3, B, N, W, dyOff, xhatOff, rstdOff, scaleOff, dxOff, dShiftOff, dScaleOff]
//   ADAMW     [4, n, pOff, gOff, mOff, vOff, npOff, nmOff, nvOff, decay?, gradScale, β1, 1−β1, β2, 1−β2, 1/√bc2, ε, lr/bc1, lr·λ]
//   EMA       [5, n, emaOff, pOff, outOff, d, 1−d]
//   ATTN_FWD  [6, B, N, H, W, qOff, kOff, vOff, oOff, probsOff, scale]
//   ATTN_BWD  [7, B, N, H, W, dOOff, qOff, kOff, vOff, probsOff, dqOff, dkOff, dvOff, scale]
//   GATE_FWD  [8, B, N, W, xOff, gOff, aOff, yOff]
//   GATE_BWD  [9, B, N, W, dyOff, gOff, aOff, daOff, dgOff]
//   ROPE_FWD  [10, B, N, W, hd, aOff, bOff, cosOff, sinOff, aOutOff, bOutOff]  (two tensors, e.g. q and k)
//   ROPE_BWD  [11, B, N, W, hd, daOff, dbOff, cosOff, sinOff, daOutOff, dbOutOff]
// (q, k, v, o, dO, dq, dk, dv: (B·N, W); probs: (B, H, N, N); H divides W; x, a, y, dy, da:
// (B, N, W); g, dg: (B, 1, W); RoPE tensors (B·N, W), cos/sin (N, W), hd even, dividing W).
// The addon exports fusedOps = F_COUNT, the number of ops it knows (absent in addons from before the
// attention ops: fused-kernels.ts then registers only the first six).
napi_value Fused(napi_env env, napi_callback_info info) {
  Call c;
  if (!ReadCall(env, info, "fused(heap, [op, ...])", &c)) return nullptr;
  if (c.np < 2) return Throw(env, "fused: params too short");
  const int op = (int)c.p[0];
  if (op < F_GELU_FWD || op >= F_COUNT || c.p[0] != op) return Throw(env, "fused: unknown op");
  static const size_t kLen[] = {7, 8, 11, 11, 19, 7, 11, 14, 8, 9, 11, 11};
  if (c.np < kLen[op]) return Throw(env, "fused: params too short");
  auto F = [&](int i) { return reinterpret_cast<float*>(c.heap + (size_t)c.p[i]); };
  if (op == F_ROPE_FWD || op == F_ROPE_BWD) {
    const double B = c.p[1], N = c.p[2], W = c.p[3], HD = c.p[4];
    if (!IsCount(B) || !IsCount(N) || !IsCount(W) || !IsCount(HD) || HD < 2 || std::fmod(HD, 2) != 0 || std::fmod(W, HD) != 0)
      return Throw(env, "fused: bad RoPE shape");
    const double tok = 4 * B * N * W, tab = 4 * N * W;
    const double sz[] = {tok, tok, tab, tab, tok, tok};
    for (int i = 0; i < 6; ++i)
      if (!InHeap(c.p[5 + i], sz[i], c.heap_len, 4)) return Throw(env, "fused: tensor outside the heap");
    const int64_t b = (int64_t)B, n = (int64_t)N, w = (int64_t)W, hd = (int64_t)HD;
    const bool bwd = op == F_ROPE_BWD;
    RopeRows(F(5), F(7), F(8), F(9), b, n, w, hd, bwd);
    RopeRows(F(6), F(7), F(8), F(10), b, n, w, hd, bwd);
    return nullptr;
  }
  if (op == F_GATE_FWD || op == F_GATE_BWD) {
    const double B = c.p[1], N = c.p[2], W = c.p[3];
    if (!IsCount(B) || !IsCount(N) || !IsCount(W)) return Throw(env, "fused: bad gate shape");
    const double big = 4 * B * N * W, vec = 4 * B * W;
    const double fwd[] = {big, vec, big, big};
    const double bwd[] = {big, vec, big, big, vec};
    const double* sz = op == F_GATE_FWD ? fwd : bwd;
    const int cnt = op == F_GATE_FWD ? 4 : 5;
    for (int i = 0; i < cnt; ++i)
      if (!InHeap(c.p[4 + i], sz[i], c.heap_len, 4)) return Throw(env, "fused: tensor outside the heap");
    const int64_t b = (int64_t)B, n = (int64_t)N, w = (int64_t)W;
    if (op == F_GATE_FWD) {
      GateFwdRows(F(4), F(5), F(6), F(7), b, n, w);
    } else if (n == 0) {
      std::memset(F(8), 0, (size_t)vec);  // an empty sum
    } else {
      GateBwdRows(F(4), F(5), F(6), F(7), F(8), b, n, w);
    }
    return nullptr;
  }
  if (op == F_ATTN_FWD || op == F_ATTN_BWD) {
    const double B = c.p[1], N = c.p[2], H = c.p[3], W = c.p[4];
    if (!IsCount(B) || !IsCount(N) || !IsCount(H) || !IsCount(W) || H < 1 || W < H || std::fmod(W, H) != 0 || N > 2147483647.0 || W > 2147483647.0)
      return Throw(env, "fused: bad attention shape");
    const double tok = 4 * B * N * W, pr = 4 * B * H * N * N;
    const int cnt = op == F_ATTN_FWD ? 5 : 8;
    for (int i = 5; i < 5 + cnt; ++i)  // probsOff is p[9] in both layouts
      if (!InHeap(c.p[i], i == 9 ? pr : tok, c.heap_len, 4)) return Throw(env, "fused: tensor outside the heap");
    if (tok == 0) return nullptr;
    const int64_t b = (int64_t)B, n = (int64_t)N, h = (int64_t)H, w = (int64_t)W;
    if (op == F_ATTN_FWD) {
      AttnFwd(F(5), F(6), F(7), F(8), F(9), b, n, h, w, (float)c.p[10]);
    } else {
      static std::vector<float> ds;  // dS scratch, reused across calls (JS calls on one thread)
      if (ds.size() < (size_t)(n * n)) ds.resize((size_t)(n * n));
      AttnBwd(F(5), F(6), F(7), F(8), F(9), F(10), F(11), F(12), ds.data(), b, n, h, w, (float)c.p[13]);
    }
    return nullptr;
  }
  if (op == F_LN_FWD || op == F_LN_BWD) {
    const double B = c.p[1], N = c.p[2], W = c.p[3];
    if (!IsCount(B) || !IsCount(N) || !IsCount(W) || W < 1 || W > kMaxLnWidth) return Throw(env, "fused: bad LayerNorm shape");
    const double big = 4 * B * N * W, rows = 4 * B * N, vec = 4 * B * W;
    // operand sizes in the order of the offsets p[4..]
    const double fwd[] = {big, vec, vec, big, big, rows};
    const double bwd[] = {big, big, rows, vec, big, vec, vec};
    const double* sz = op == F_LN_FWD ? fwd : bwd;
    const int cnt = op == F_LN_FWD ? 6 : 7;
    for (int i = 0; i < cnt; ++i)
      if (!InHeap(c.p[4 + i], sz[i], c.heap_len, 4)) return Throw(env, "fused: tensor outside the heap");
    if (big == 0) return nullptr;
    if (op == F_LN_FWD) {
      LnModFwdRows(F(4), F(5), F(6), F(7), F(8), F(9), (int64_t)B, (int64_t)N, (int64_t)W, (float)c.p[10]);
    } else {
      float gbuf[kMaxLnWidth];
      LnModBwdRows(F(4), F(5), F(6), F(7), F(8), F(9), F(10), gbuf, (int64_t)B, (int64_t)N, (int64_t)W);
    }
    return nullptr;
  }
  const double n = c.p[1];
  if (!IsCount(n)) return Throw(env, "fused: bad size");
  static const int kTensors[] = {3, 4, 0, 0, 7, 3};
  for (int i = 0; i < kTensors[op]; ++i)
    if (!InHeap(c.p[2 + i], 4 * n, c.heap_len, 4)) return Throw(env, "fused: tensor outside the heap");
  const int64_t len = (int64_t)n;
  if (op == F_GELU_FWD) {
    GeluFwdLoop(F(2), F(3), F(4), len, (float)c.p[5], (float)c.p[6]);
  } else if (op == F_GELU_BWD) {
    GeluBwdLoop(F(2), F(3), F(4), F(5), len, (float)c.p[6], (float)c.p[7]);
  } else if (op == F_ADAMW) {
    float k[9];
    for (int i = 0; i < 9; ++i) k[i] = (float)c.p[10 + i];
    AdamWLoop(F(2), F(3), F(4), F(5), F(6), F(7), F(8), len, k, c.p[9] != 0);
  } else {
    EmaLoop(F(2), F(3), F(4), len, (float)c.p[5], (float)c.p[6]);
  }
  return nullptr;
}

}  // namespace

napi_value RegisterKernels(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"unary", nullptr, Unary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"softmax", nullptr, Softmax, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"reduce", nullptr, Reduce, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"transpose", nullptr, Transpose, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"slice", nullptr, Slice, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"tile", nullptr, Tile, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, Binary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fused", nullptr, Fused, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"fusedOps", nullptr, nullptr, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  if (napi_create_int32(env, F_COUNT, &props[sizeof(props) / sizeof(props[0]) - 1].value) != napi_ok) return nullptr;
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return nullptr;
  return exports;
}
