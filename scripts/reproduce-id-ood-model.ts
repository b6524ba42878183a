/**
 * Does a shipped id-ood model reproduce the shipped summary? (issue #25 item 1)
 *   nice -n 10 npx tsx scripts/reproduce-id-ood-model.ts [name] [out.json]
 *   (default id-ood/quick/uniform-q128-n16384-s1 → data/models/id-ood/quick/<model>.reproduction.json)
 *
 * Re-runs id-ood's evaluation of the model on every evaluation set of its scenario (the same
 * videos, noise seed, DDIM steps and batch as its eval unit; reproduceIdOodModel) and compares it
 * with the eval unit's result shipped in the card's run folder (`results`, default
 * data/results/id-ood/<profile>), under units/: the summary's numbers
 * per set and every video's record. Prints one line per set and writes the comparison.
 */
import { writeFileSync } from 'node:fs';
import { currentBackend, initBackend } from '../lib/runtime/backend';
import { gitCommit } from '../lib/runtime/provenance';
import { loadModel, readModelCard, reproductionFile } from '../lib/sample/model-registry';
import { readShippedUnit } from '../lib/experiments/core/shipped-units';
import { resultOf } from '../lib/experiments/core/unit-results';
import { SET_SCORES } from '../lib/experiments/id-ood/eval';
import { reproduceIdOodModel } from '../lib/experiments/models/id-ood-models';
import { shippedRun } from '../lib/experiments/models/shipped-train-unit';
import type { Profile } from '../lib/config/profile';

async function main(): Promise<void> {
  const name = process.argv[2] ?? 'id-ood/quick/uniform-q128-n16384-s1';
  const out = process.argv[3] ?? reproductionFile(name);
  const card = readModelCard(name);
  const run = shippedRun('id-ood', card.profile as Profile, card.results);
  const evalId = card.unit.id.replace(/^train\//, 'eval/');
  const rec = run.units.find((u) => u.id === evalId);
  if (!rec) throw new Error(`${run.where}/run.json records no unit ${evalId}`);
  const unit = readShippedUnit(run.where, rec.hash);
  if (!unit) throw new Error(`no shipped result of ${evalId} (${run.where}/units/${rec.hash}.json.gz)`);
  const recorded = resultOf({ [evalId]: unit.result }, evalId, SET_SCORES);
  if (!recorded) throw new Error(`${evalId}'s shipped result is not an id-ood evaluation`);
  await initBackend({ quiet: true });
  const t0 = Date.now();
  const m = loadModel(name);
  try {
    const sets = await reproduceIdOodModel(m, recorded);
    for (const s of sets) {
      process.stdout.write(`${name} ${s.set}: summary ${s.summary.velocityError.toFixed(4)} u/s, re-evaluated ${s.reEvaluated.velocityError.toFixed(4)} u/s; ${s.videosIdentical}/${s.videos} videos identical; max per-video |Δ error| ${s.maxErrorChange.toFixed(4)}, |Δ velocity| ${s.maxVelocityChange.toFixed(4)} u/s\n`);
    }
    const exact = sets.every((s) => s.videosIdentical === s.videos);
    const backend = currentBackend();
    writeFileSync(out, JSON.stringify({
      what: `the shipped model ${name} re-evaluated on id-ood's evaluation sets (same videos, noise seed ${card.sampling.seed}, ${card.sampling.steps} DDIM steps, batch ${card.sampling.batchSize}) against its eval unit ${evalId} (${rec.hash}) shipped in ${run.where} (scripts/reproduce-id-ood-model.ts)`,
      exact,
      checkpoint: card.checkpoint ?? null,
      unit: card.unit,
      commit: gitCommit(),
      backend: backend?.label ?? null,
      // the matmul library and the core OpenBLAS picked on this machine: float rounding, so exactness, can depend on it
      blas: backend?.matmul?.blas ?? null,
      date: new Date().toISOString(),
      checkpointEngine: m.meta.engine ?? null,
      seconds: Math.round((Date.now() - t0) / 1000),
      sets,
    }, null, 1) + '\n');
    process.stdout.write(`${exact ? 'reproduced exactly' : 'NOT reproduced exactly'}; wrote ${out}\n`);
  } finally {
    m.model.dispose();
    m.autoencoder.dispose();
  }
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack ?? e}\n`);
  process.exit(1);
});
