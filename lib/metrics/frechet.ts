/**
 * Fréchet distance between Gaussian fits of two feature sets (as FVD / FID compute it):
 * d² = |μ1 − μ2|² + Tr(Σ1 + Σ2 − 2 (Σ1^½ Σ2 Σ1^½)^½), covariances with the N − 1 divisor.
 * Matrix square roots of symmetric PSD matrices by the cyclic Jacobi eigenvalue method (exact for
 * the small feature sizes used here), so no complex-valued sqrtm is needed.
 */

/** Eigen-decomposition of a symmetric n×n matrix (row-major): values and column eigenvectors. */
export function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += m[p * n + q] * m[p * n + q];
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = m[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * n + q] - m[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const mkp = m[k * n + p];
          const mkq = m[k * n + q];
          m[k * n + p] = c * mkp - s * mkq;
          m[k * n + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < n; k++) {
          const mpk = m[p * n + k];
          const mqk = m[q * n + k];
          m[p * n + k] = c * mpk - s * mqk;
          m[q * n + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = m[i * n + i];
  return { values, vectors: v };
}

/** Square root of a symmetric PSD matrix (negative eigenvalues from rounding are clipped to 0). */
export function sqrtPsd(a: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(a, n);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const s = Math.sqrt(Math.max(0, values[k]));
    if (s === 0) continue;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i * n + j] += s * vectors[i * n + k] * vectors[j * n + k];
  }
  return out;
}

/** Mean and covariance (N − 1 divisor) of feature rows. */
export function gaussianFit(rows: ReadonlyArray<ArrayLike<number>>): { mean: Float64Array; cov: Float64Array; dim: number } {
  const n = rows.length;
  if (n < 2) throw new Error(`frechet: need at least 2 feature vectors per set, got ${n}`);
  const d = rows[0].length;
  const mean = new Float64Array(d);
  for (const r of rows) for (let i = 0; i < d; i++) mean[i] += r[i] / n;
  const cov = new Float64Array(d * d);
  for (const r of rows) for (let i = 0; i < d; i++) {
    const di = r[i] - mean[i];
    for (let j = 0; j < d; j++) cov[i * d + j] += (di * (r[j] - mean[j])) / (n - 1);
  }
  return { mean, cov, dim: d };
}

/** Fréchet distance d² between the Gaussian fits of two sets of feature vectors. */
export function frechetDistance(a: ReadonlyArray<ArrayLike<number>>, b: ReadonlyArray<ArrayLike<number>>): number {
  const A = gaussianFit(a);
  const B = gaussianFit(b);
  if (A.dim !== B.dim) throw new Error(`frechet: feature sizes differ (${A.dim} vs ${B.dim})`);
  const d = A.dim;
  let dm = 0;
  for (let i = 0; i < d; i++) dm += (A.mean[i] - B.mean[i]) ** 2;
  const s1 = sqrtPsd(A.cov, d);
  // M = S1 Σ2 S1 (symmetric PSD); Tr sqrt(M) = Σ sqrt(eig(M))
  const tmp = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const x = s1[i * d + k];
    if (x === 0) continue;
    for (let j = 0; j < d; j++) tmp[i * d + j] += x * B.cov[k * d + j];
  }
  const M = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) {
    const x = tmp[i * d + k];
    if (x === 0) continue;
    for (let j = 0; j < d; j++) M[i * d + j] += x * s1[k * d + j];
  }
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) M[i * d + j] = M[j * d + i] = (M[i * d + j] + M[j * d + i]) / 2;
  const ev = symmetricEigen(M, d).values;
  let trSqrt = 0;
  for (const x of ev) trSqrt += Math.sqrt(Math.max(0, x));
  let tr = 0;
  for (let i = 0; i < d; i++) tr += A.cov[i * d + i] + B.cov[i * d + i];
  return Math.max(0, dm + tr - 2 * trSqrt);
}
