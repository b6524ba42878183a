/**
 * What storing a shipped model's weights as float16 does to its numbers (issue #25 item 2):
 *   nice -n 10 npx tsx scripts/float16-effect.ts [out.json]      (default data/models/float16-effect.json)
 *
 * For each shipped model, the weights are rounded to float16 (convertModel into a temporary
 * registry) and both versions sample the evaluation videos its card's numbers come from, with the
 * card's noise seed, DDIM steps and batch:
 * - direction-flip: the 128 baseline videos (2.5–4 u/s; the ordinary error, baselineErrors) and the
 *   128 test videos (1–2.5 u/s; flips, flipShares);
 * - id-ood: the ID evaluation set (id-ood's velocity error, `score`).
 * Reported per model and set: the mean velocity error with float32 and float16 weights and its
 * change, the largest per-video change of the generated velocity, and how many videos changed at all.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../lib/runtime/backend';
import { convertModel, listModels, loadModel, readModelCard, RegistryModel } from '../lib/sample/model-registry';
import { baselineErrors } from '../lib/experiments/case-matching/baseline';
import { flipShares } from '../lib/experiments/case-matching/report';
import { evalRecords, evalVideos, EvalRecord } from '../lib/experiments/case-matching/units';
import type { DirectionFlipConfig } from '../lib/experiments/case-matching/direction-flip';
import { generateLike } from '../lib/experiments/models/ask-uniform';
import { evaluateIdOodModel } from '../lib/experiments/models/id-ood-models';
import { gitCommit } from '../lib/runtime/provenance';

interface SetEffect {
  model: string;
  set: string;
  videos: number;
  /** Mean velocity error (u/s) with each dtype: direction-flip's ordinary error (baseline) or mean |generated − conditioning| of intact generations (test); id-ood's velocity error. */
  errorFloat32: number;
  errorFloat16: number;
  errorChange: number;
  /** Largest |generated velocity (float16) − generated velocity (float32)| over the videos, u/s. */
  maxVideoChange: number;
  /** Videos whose generated velocity changed at all, and videos whose verdict changed (direction-flip: intact or flipped < −0.5 u/s; id-ood: scored or not). */
  videosChanged: number;
  verdictsChanged: number;
  /** direction-flip test set: flipped intact generations (flipShares, threshold 0.5 u/s) with float32 and float16 weights. */
  flipped?: [number, number];
}

const abs = Math.abs;

async function withModel<R>(name: string, root: string | undefined, fn: (m: RegistryModel) => Promise<R>): Promise<R> {
  const m = loadModel(name, { root });
  try {
    return await fn(m);
  } finally {
    m.model.dispose();
    m.autoencoder.dispose();
  }
}

/** direction-flip: records of one eval set with the float32 and the float16 weights. */
async function flipEffect(name: string, half: string, which: 'baseline' | 'test'): Promise<SetEffect> {
  const run = async (root?: string) => withModel(name, root, async (m) => {
    const c = m.card.experimentConfig as unknown as DirectionFlipConfig;
    const videos = evalVideos(c, which === 'baseline' ? c.trainVelocity : c.testVelocity);
    return evalRecords(c, videos, await generateLike(m, videos));
  });
  const a = await run();
  const b = await run(half);
  const set = String(readModelCard(name).trainedOn.set);
  const rows = (recs: EvalRecord[]) => recs.map((r) => ({ ...r, set, seed: 1, evalSet: 'baseline' }));
  const err = (recs: EvalRecord[]) => baselineErrors(rows(recs))[0].error; // mean |generated − conditioning| over intact generations
  const flipped = (recs: EvalRecord[]) => flipShares(recs.map((r) => ({ ...r, set, seed: 1, evalSet: 'test' })), { threshold: 0.5 }).find((s) => s.bin === 'all')?.flipped ?? 0;
  const flip = (r: EvalRecord) => r.generatedVelocity !== null && r.generatedVelocity < -0.5;
  const d = a.map((r, i) => (r.generatedVelocity === null || b[i].generatedVelocity === null ? (r.generatedVelocity === b[i].generatedVelocity ? 0 : Infinity) : abs(b[i].generatedVelocity! - r.generatedVelocity)));
  return {
    model: name, set: which, videos: a.length, errorFloat32: err(a), errorFloat16: err(b), errorChange: err(b) - err(a),
    maxVideoChange: Math.max(...d), videosChanged: d.filter((x) => x !== 0).length,
    verdictsChanged: a.filter((r, i) => r.intact !== b[i].intact || flip(r) !== flip(b[i])).length,
    ...(which === 'test' ? { flipped: [flipped(a), flipped(b)] as [number, number] } : {}),
  };
}

/** id-ood: its ID evaluation set with the float32 and the float16 weights. */
async function idOodEffect(name: string, half: string): Promise<SetEffect> {
  const a = await withModel(name, undefined, (m) => evaluateIdOodModel(m, 'id'));
  const b = await withModel(name, half, (m) => evaluateIdOodModel(m, 'id'));
  const d = a.videos.map((v, i) => {
    const x = v.meanVx[0];
    const y = b.videos[i].meanVx[0];
    return x === null || y === null ? (x === y ? 0 : Infinity) : abs(y - x);
  });
  return {
    model: name, set: 'id', videos: a.videos.length, errorFloat32: a.error, errorFloat16: b.error, errorChange: b.error - a.error,
    maxVideoChange: Math.max(...d), videosChanged: d.filter((x) => x !== 0).length, verdictsChanged: a.videos.filter((v, i) => (v.error === null) !== (b.videos[i].error === null)).length,
  };
}

async function main(): Promise<void> {
  const out = process.argv[2] ?? 'data/models/float16-effect.json';
  await initBackend({ quiet: true });
  const half = mkdtempSync(join(tmpdir(), 'phylab-f16-'));
  const t0 = Date.now();
  try {
    const effects: SetEffect[] = [];
    const models: Array<{ name: string; bytesFloat32: number; bytesFloat16: number }> = [];
    for (const name of listModels()) {
      const card = readModelCard(name);
      if (card.dtype !== 'float32') continue;
      const h = convertModel(name, 'float16', { toRoot: half });
      models.push({ name, bytesFloat32: card.files['ema.bin'].bytes, bytesFloat16: h.files['ema.f16.bin'].bytes });
      if (card.experiment === 'direction-flip') for (const which of ['baseline', 'test'] as const) effects.push(await flipEffect(name, half, which));
      else if (card.experiment === 'id-ood') effects.push(await idOodEffect(name, half));
      const e = effects.filter((x) => x.model === name);
      for (const x of e) process.stdout.write(`${name} ${x.set}: error ${x.errorFloat32.toFixed(4)} → ${x.errorFloat16.toFixed(4)} u/s (${x.errorChange >= 0 ? '+' : ''}${x.errorChange.toExponential(2)}), max per-video change ${x.maxVideoChange.toExponential(2)} u/s, ${x.videosChanged}/${x.videos} videos changed, ${x.verdictsChanged} verdicts\n`);
    }
    const report = {
      what: 'float16 weights vs the shipped float32 weights: the same evaluation videos, noise seed, DDIM steps and batch (scripts/float16-effect.ts)',
      commit: gitCommit(),
      seconds: Math.round((Date.now() - t0) / 1000),
      models,
      effects,
      maxAbsErrorChange: Math.max(...effects.map((e) => abs(e.errorChange))),
      maxVideoChange: Math.max(...effects.map((e) => e.maxVideoChange)),
    };
    writeFileSync(out, JSON.stringify(report, null, 1) + '\n');
    process.stdout.write(`wrote ${out} (${report.seconds} s)\n`);
  } finally {
    rmSync(half, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
