{
  "variables": {
    "openblas_include%": "",
    "openblas_libdir%": ""
  },
  "targets": [
    {
      "target_name": "phylab_blas",
      "sources": ["phylab_blas.cc"],
      "cflags_cc": ["-O2", "-std=c++17", "-fno-exceptions"],
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
