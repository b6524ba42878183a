// Non-matmul wasm-heap kernels of the phylab addon (phylab_kernels.cc).
#pragma once
#include <node_api.h>

// Adds unary, softmax, reduce, transpose, slice, tile, binary, fused and fusedOps to the addon's exports.
napi_value RegisterKernels(napi_env env, napi_value exports);
