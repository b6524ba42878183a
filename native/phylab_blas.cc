// phylab_blas: an N-API addon that runs OpenBLAS sgemm directly on the memory of the
// TensorFlow.js wasm backend (the WebAssembly.Memory ArrayBuffer), so tfjs MatMul /
// BatchMatMul / _FusedMatMul kernels can use a native BLAS without copying tensors.
//
// JS API (see lib/engine/native-matmul.ts):
//   gemm(heap: ArrayBuffer, p: Float64Array(GEMM_NPARAMS), aIdx: Uint32Array|null,
//        bIdx: Uint32Array|null): undefined
//     For each output matrix i < batch (row-major, C contiguous [batch, M, N]):
//       C_i = act(op(A_ai) · op(B_bi) + bias)
//     with ai = aIdx ? aIdx[i] : i * aStrideMats (likewise bi), op() = transpose when asked.
//   setThreads(n), getThreads(), config() -> string (openblas_get_config + core name)
//   unary, softmax, reduce, transpose, slice, tile: see phylab_kernels.cc
//
// Every offset and index is bounds-checked against the ArrayBuffer before any BLAS call;
// a bad call throws a JS error instead of touching memory outside the heap.
#include <node_api.h>
#include <cblas.h>

#include "phylab_kernels.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

namespace {

// Indices into the Float64Array of scalar parameters (must match native-matmul.ts).
enum Param {
  P_A_OFF = 0,      // byte offset of A's first matrix in the heap
  P_B_OFF,          // byte offset of B's first matrix
  P_C_OFF,          // byte offset of C (the output, [batch, M, N])
  P_M,              // rows of op(A) and C
  P_N,              // columns of op(B) and C
  P_K,              // inner dimension
  P_TRANS_A,        // 1: A is stored [K, M]; 0: [M, K]
  P_TRANS_B,        // 1: B is stored [N, K]; 0: [K, N]
  P_BATCH,          // number of output matrices
  P_A_STEP,         // A matrix index step per output matrix (0 = broadcast) when aIdx is null
  P_B_STEP,         // likewise for B
  P_A_COUNT,        // matrices stored in A (for bounds checks)
  P_B_COUNT,        // matrices stored in B
  P_BIAS_OFF,       // byte offset of the bias, or -1 for none
  P_BIAS_MODE,      // BiasMode
  P_ACT,            // Activation
  P_ACT_ALPHA,      // leakyrelu slope
  GEMM_NPARAMS
};

enum BiasMode { BIAS_NONE = 0, BIAS_ROW = 1, BIAS_SCALAR = 2, BIAS_MATRIX = 3, BIAS_FULL = 4 };
// Same numbering as tfjs-backend-wasm's FusableActivation (prelu is not handled natively).
enum Activation { ACT_LINEAR = 0, ACT_RELU = 1, ACT_RELU6 = 2, ACT_LEAKYRELU = 4, ACT_SIGMOID = 5, ACT_ELU = 6 };

napi_value Throw(napi_env env, const char* msg) {
  napi_throw_error(env, "PHYLAB_BLAS", msg);
  return nullptr;
}

#define NAPI_OK(call)                                   \
  do {                                                  \
    if ((call) != napi_ok) return Throw(env, #call);    \
  } while (0)

// Reads an optional Uint32Array argument (null/undefined -> nullptr, len 0).
bool GetIndexArray(napi_env env, napi_value v, const uint32_t** data, size_t* len) {
  napi_valuetype t;
  if (napi_typeof(env, v, &t) != napi_ok) return false;
  if (t == napi_null || t == napi_undefined) {
    *data = nullptr;
    *len = 0;
    return true;
  }
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return false;
  napi_typedarray_type tt;
  size_t length;
  void* ptr;
  napi_value ab;
  size_t off;
  if (napi_get_typedarray_info(env, v, &tt, &length, &ptr, &ab, &off) != napi_ok) return false;
  if (tt != napi_uint32_array) return false;
  *data = static_cast<const uint32_t*>(ptr);
  *len = length;
  return true;
}

inline float Activate(float x, int act, float alpha) {
  switch (act) {
    case ACT_RELU: return x > 0.f ? x : 0.f;
    case ACT_RELU6: return x < 0.f ? 0.f : (x > 6.f ? 6.f : x);
    case ACT_LEAKYRELU: return x < 0.f ? alpha * x : x;
    case ACT_SIGMOID: return 1.f / (1.f + std::exp(-x));
    case ACT_ELU: return x < 0.f ? std::expm1(x) : x;
    default: return x;
  }
}

// Adds the bias and applies the activation to one [M, N] output matrix.
void Epilogue(float* c, int64_t m, int64_t n, const float* bias, int mode, int64_t batch_i, int act,
              float alpha) {
  const int64_t mn = m * n;
  if (mode == BIAS_NONE && act == ACT_LINEAR) return;
  for (int64_t r = 0; r < m; ++r) {
    float* row = c + r * n;
    const float* b = nullptr;
    if (mode == BIAS_ROW) b = bias;
    else if (mode == BIAS_MATRIX) b = bias + r * n;
    else if (mode == BIAS_FULL) b = bias + batch_i * mn + r * n;
    if (b != nullptr) {
      for (int64_t j = 0; j < n; ++j) row[j] += b[j];
    } else if (mode == BIAS_SCALAR) {
      const float s = bias[0];
      for (int64_t j = 0; j < n; ++j) row[j] += s;
    }
    if (act != ACT_LINEAR) {
      for (int64_t j = 0; j < n; ++j) row[j] = Activate(row[j], act, alpha);
    }
  }
}

bool InHeap(double off, double bytes, size_t heap_len) {
  return off >= 0 && std::floor(off) == off && std::fmod(off, 4.0) == 0 && off + bytes <= (double)heap_len;
}

napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  NAPI_OK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 2) return Throw(env, "gemm(heap, params, aIdx?, bIdx?): too few arguments");

  bool is_ab = false;
  NAPI_OK(napi_is_arraybuffer(env, argv[0], &is_ab));
  if (!is_ab) return Throw(env, "gemm: heap must be an ArrayBuffer (not a SharedArrayBuffer)");
  void* heap_ptr = nullptr;
  size_t heap_len = 0;
  NAPI_OK(napi_get_arraybuffer_info(env, argv[0], &heap_ptr, &heap_len));
  char* heap = static_cast<char*>(heap_ptr);

  bool is_ta = false;
  NAPI_OK(napi_is_typedarray(env, argv[1], &is_ta));
  if (!is_ta) return Throw(env, "gemm: params must be a Float64Array");
  napi_typedarray_type ptype;
  size_t plen;
  void* pptr;
  napi_value pab;
  size_t poff;
  NAPI_OK(napi_get_typedarray_info(env, argv[1], &ptype, &plen, &pptr, &pab, &poff));
  if (ptype != napi_float64_array || plen < GEMM_NPARAMS) return Throw(env, "gemm: params must be a Float64Array of GEMM_NPARAMS");
  const double* p = static_cast<const double*>(pptr);

  const uint32_t* a_idx = nullptr;
  const uint32_t* b_idx = nullptr;
  size_t a_idx_len = 0, b_idx_len = 0;
  if (argc > 2 && !GetIndexArray(env, argv[2], &a_idx, &a_idx_len)) return Throw(env, "gemm: aIdx must be a Uint32Array or null");
  if (argc > 3 && !GetIndexArray(env, argv[3], &b_idx, &b_idx_len)) return Throw(env, "gemm: bIdx must be a Uint32Array or null");

  const int64_t m = (int64_t)p[P_M], n = (int64_t)p[P_N], k = (int64_t)p[P_K];
  const int64_t batch = (int64_t)p[P_BATCH];
  const bool trans_a = p[P_TRANS_A] != 0, trans_b = p[P_TRANS_B] != 0;
  const int64_t a_step = (int64_t)p[P_A_STEP], b_step = (int64_t)p[P_B_STEP];
  const int64_t a_count = (int64_t)p[P_A_COUNT], b_count = (int64_t)p[P_B_COUNT];
  const int bias_mode = (int)p[P_BIAS_MODE];
  const int act = (int)p[P_ACT];
  const float alpha = (float)p[P_ACT_ALPHA];
  if (m < 0 || n < 0 || k < 0 || batch < 0 || a_count < 0 || b_count < 0 || a_step < 0 || b_step < 0)
    return Throw(env, "gemm: negative size");
  if (m > INT32_MAX || n > INT32_MAX || k > INT32_MAX) return Throw(env, "gemm: dimension exceeds int32");
  if (act != ACT_LINEAR && act != ACT_RELU && act != ACT_RELU6 && act != ACT_LEAKYRELU && act != ACT_SIGMOID && act != ACT_ELU)
    return Throw(env, "gemm: unsupported activation");
  if (bias_mode < BIAS_NONE || bias_mode > BIAS_FULL) return Throw(env, "gemm: bad bias mode");

  const int64_t mn = m * n, mk = m * k, kn = k * n;
  if (!InHeap(p[P_C_OFF], 4.0 * (double)batch * (double)mn, heap_len)) return Throw(env, "gemm: C outside the heap");
  if (batch == 0 || mn == 0) return nullptr;
  float* c = reinterpret_cast<float*>(heap + (size_t)p[P_C_OFF]);

  const float* bias = nullptr;
  if (bias_mode != BIAS_NONE) {
    double bias_elems = bias_mode == BIAS_ROW ? (double)n : bias_mode == BIAS_SCALAR ? 1.0 : bias_mode == BIAS_MATRIX ? (double)mn : (double)batch * (double)mn;
    if (!InHeap(p[P_BIAS_OFF], 4.0 * bias_elems, heap_len)) return Throw(env, "gemm: bias outside the heap");
    bias = reinterpret_cast<const float*>(heap + (size_t)p[P_BIAS_OFF]);
  }

  if (k == 0) {  // empty inner dimension: op(A)·op(B) is all zeros
    std::memset(c, 0, sizeof(float) * (size_t)(batch * mn));
    for (int64_t i = 0; i < batch; ++i) Epilogue(c + i * mn, m, n, bias, bias_mode, i, act, alpha);
    return nullptr;
  }

  if (!InHeap(p[P_A_OFF], 4.0 * (double)a_count * (double)mk, heap_len)) return Throw(env, "gemm: A outside the heap");
  if (!InHeap(p[P_B_OFF], 4.0 * (double)b_count * (double)kn, heap_len)) return Throw(env, "gemm: B outside the heap");
  const float* a = reinterpret_cast<const float*>(heap + (size_t)p[P_A_OFF]);
  const float* b = reinterpret_cast<const float*>(heap + (size_t)p[P_B_OFF]);
  if (a_idx != nullptr && (int64_t)a_idx_len < batch) return Throw(env, "gemm: aIdx shorter than batch");
  if (b_idx != nullptr && (int64_t)b_idx_len < batch) return Throw(env, "gemm: bIdx shorter than batch");
  for (int64_t i = 0; i < batch; ++i) {
    const int64_t ai = a_idx ? (int64_t)a_idx[i] : i * a_step;
    const int64_t bi = b_idx ? (int64_t)b_idx[i] : i * b_step;
    if (ai >= a_count || bi >= b_count) return Throw(env, "gemm: matrix index out of range");
  }

  const CBLAS_TRANSPOSE ta = trans_a ? CblasTrans : CblasNoTrans;
  const CBLAS_TRANSPOSE tb = trans_b ? CblasTrans : CblasNoTrans;
  const blasint lda = (blasint)(trans_a ? m : k);
  const blasint ldb = (blasint)(trans_b ? k : n);
  const blasint ldc = (blasint)n;

  // A stack of untransposed A matrices times one shared B is a single tall GEMM
  // ([batch*M, K] x [K, N]): the (B, T, D) x (D, N) dense-layer case.
  if (!trans_a && a_idx == nullptr && b_idx == nullptr && a_step == 1 && b_step == 0 && batch > 1 &&
      batch * m <= INT32_MAX) {
    cblas_sgemm(CblasRowMajor, ta, tb, (blasint)(batch * m), (blasint)n, (blasint)k, 1.0f, a, lda, b, ldb, 0.0f, c, ldc);
  } else {
    for (int64_t i = 0; i < batch; ++i) {
      const int64_t ai = a_idx ? (int64_t)a_idx[i] : i * a_step;
      const int64_t bi = b_idx ? (int64_t)b_idx[i] : i * b_step;
      cblas_sgemm(CblasRowMajor, ta, tb, (blasint)m, (blasint)n, (blasint)k, 1.0f, a + ai * mk, lda, b + bi * kn, ldb,
                  0.0f, c + i * mn, ldc);
    }
  }
  for (int64_t i = 0; i < batch; ++i) Epilogue(c + i * mn, m, n, bias, bias_mode, i, act, alpha);
  return nullptr;
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_OK(napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int32_t n = 1;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1) return Throw(env, "setThreads(n): n must be an integer >= 1");
  openblas_set_num_threads(n);
  return nullptr;
}

napi_value GetThreads(napi_env env, napi_callback_info info) {
  napi_value out;
  NAPI_OK(napi_create_int32(env, openblas_get_num_threads(), &out));
  return out;
}

napi_value Config(napi_env env, napi_callback_info info) {
  std::string s = openblas_get_config();
  s += " (core ";
  s += openblas_get_corename();
  s += ")";
  napi_value out;
  NAPI_OK(napi_create_string_utf8(env, s.c_str(), s.size(), &out));
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  // Single-threaded unless the caller asks otherwise (the second vCPU does data generation).
  openblas_set_num_threads(1);
  napi_property_descriptor props[] = {
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"getThreads", nullptr, GetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"config", nullptr, Config, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_value nparams;
  if (napi_create_int32(env, GEMM_NPARAMS, &nparams) != napi_ok) return nullptr;
  if (napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props) != napi_ok) return nullptr;
  if (napi_set_named_property(env, exports, "GEMM_NPARAMS", nparams) != napi_ok) return nullptr;
  return RegisterKernels(env, exports);  // non-matmul kernels (phylab_kernels.cc)
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
