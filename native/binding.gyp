{
  "variables": {
    "openblas_include%": "",
    "openblas_libdir%": ""
  },
  "targets": [
    {
      "target_name": "phylab_blas",
      "sources": ["phylab_blas.cc", "phylab_kernels.cc"],
      "cflags_cc": ["-O3", "-std=c++17", "-fno-exceptions", "-fno-math-errno", "-fno-trapping-math"],
      "conditions": [
        ["openblas_include!=''", {
          "include_dirs": ["<(openblas_include)"]
        }],
        ["openblas_libdir!=''", {
          "libraries": ["-L<(openblas_libdir)", "-Wl,-rpath,<(openblas_libdir)", "-lopenblas"]
        }, {
          "libraries": ["-lopenblas"]
        }]
      ]
    }
  ]
}
