/**
 * End-to-end benchmark (issue #5, item 4): the time to train one `quick` model until its ID
 * velocity error is within 2x of the ground-truth parse floor.
 *
 * The model is id-ood's `quick` cell uniform motion, `q64`, 1024 videos, seed 1, with id-ood's
 * training settings (frame VAE latents when id-ood uses them: the VAE is trained first and its time
 * counts) but with a step cap instead of id-ood's step count
 * (the learning-rate schedule is constant after warm-up, so the first steps are the sweep's).
 * Every `evalEvery` steps it samples the ID clips with the EMA weights and scores them with
 * id-ood's parser; it stops at the target or at the cap and prints time to target (wall and
 * CPU seconds of this process), or the best error reached. Opt-in (`--only=e2e`): hours on a CPU.
 * `--quick` checks the path in minutes (1000 steps, 32 clips, a 2000-step VAE): it does not reach the target.
 */
import { loadOrGenerateDataset } from '../data/index';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataConfig, defaultIdOodConfig, resolvedPatch } from '../experiments/id-ood-config';
import { evalVideos, score } from '../experiments/id-ood-eval';
import { trainScenarioVae } from '../experiments/id-ood-vae';
import type { AutoencoderConfig } from '../model/autoencoder';
import { initBackend } from '../runtime/backend';
import { ditRunConfig, sampleFromTrainer } from '../train/run-dit';
import { DiTTrainer } from '../train/trainer';
import type { BenchSuite } from './suite';

export interface E2eResult {
  preset: string;
  dataSize: number;
  floor: number;
  target: number;
  /** (step, ID velocity error, wall s, CPU s) at every evaluation. */
  curve: Array<{ step: number; error: number; wallS: number; cpuS: number }>;
  reached: boolean;
  /** First evaluation at or under the target (null: not reached within the cap). */
  atStep: number | null;
  wallS: number | null;
  cpuS: number | null;
}

const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export const suite: BenchSuite = {
  name: 'e2e',
  description: 'time to train a quick model (uniform, q64, 1024 videos) until its ID velocity error ≤ 2x the parse floor (opt-in: hours)',
  optIn: true,
  async run(opts): Promise<E2eResult> {
    await initBackend();
    const base = defaultIdOodConfig('quick');
    // --quick: a path check, with a short VAE too
    const c = { ...base, idCount: opts.quick ? 32 : 128, vae: opts.quick ? { ...base.vae, train: { ...base.vae.train, steps: 2000 } } : base.vae };
    const maxSteps = opts.quick ? 1000 : 30_000;
    const evalEvery = opts.quick ? 500 : 1000;
    const preset = 'q64';
    const n = 1024; // id-ood's 1K cell (its smallest size until 256 was added)
    const ids = evalVideos(c, 'uniform', { split: 'id', level: 0 });
    const floor = score(c, 'uniform', ids, ids.map((v) => v.frames)).error;
    const target = 2 * floor;
    process.stdout.write(`uniform ${preset} on ${n} videos, ${ids.length} ID clips; floor ${floor.toFixed(3)} u/s → target ≤ ${target.toFixed(3)}; cap ${maxSteps} steps, evaluated every ${evalEvery}\n`);
    const wall0 = Date.now();
    const cpu0 = cpuSeconds();
    let vaeTmp: string | null = null;
    let autoencoder: AutoencoderConfig | undefined;
    if (c.latent === 'vae') {
      vaeTmp = mkdtempSync(join(tmpdir(), 'phylab-e2e-vae-'));
      await trainScenarioVae(c, 'uniform', vaeTmp);
      autoencoder = { kind: 'vae', weights: vaeTmp };
      process.stdout.write(`frame VAE trained (${c.vae.train.steps} steps) in ${((Date.now() - wall0) / 60000).toFixed(1)} min\n`);
    }
    const patch = resolvedPatch(c);
    const ds = await loadOrGenerateDataset(dataConfig(c, 'uniform', 'train', n), c.dataSeed, { progress: false });
    const source = { count: ds.count, frameShape: ds.frameShape, frames: (i: number) => ds.frames(i), description: `e2e uniform n=${n}` };
    const config = ditRunConfig({ preset, frameShape: ds.frameShape, seed: 1, train: { ...c.train, steps: maxSteps }, autoencoder, model: patch ? { patch } : undefined });
    const trainer = DiTTrainer.create({ config, source, checkpointDir: null });
    const curve: E2eResult['curve'] = [];
    let hit: E2eResult['curve'][number] | null = null;
    try {
      for (let step = evalEvery; step <= maxSteps && !hit; step += evalEvery) {
        await trainer.train({ untilStep: step, progress: true });
        const cond = ids.map((v) => v.frames.slice(0, c.condFrames * v.frameShape[1] * v.frameShape[2] * 3));
        const gen = await sampleFromTrainer(trainer, cond, { seed: 1001, steps: c.sampleSteps });
        const point = { step, error: score(c, 'uniform', ids, gen).error, wallS: (Date.now() - wall0) / 1000, cpuS: cpuSeconds() - cpu0 };
        curve.push(point);
        process.stdout.write(`step ${step}: ID velocity error ${point.error.toFixed(3)} u/s (${(point.error / floor).toFixed(1)}x floor) after ${(point.wallS / 60).toFixed(1)} min wall, ${(point.cpuS / 60).toFixed(1)} CPU-min\n`);
        if (point.error <= target) hit = point;
      }
    } finally {
      trainer.dispose();
      ds.close();
      if (vaeTmp) rmSync(vaeTmp, { recursive: true, force: true });
    }
    const best = curve.reduce((a, p) => (p.error < a.error ? p : a), curve[0]);
    process.stdout.write(hit
      ? `reached ≤ 2x floor at step ${hit.step}: ${(hit.wallS / 60).toFixed(1)} min wall, ${(hit.cpuS / 60).toFixed(1)} CPU-min\n`
      : `not reached within ${maxSteps} steps: best ${best.error.toFixed(3)} u/s (${(best.error / floor).toFixed(1)}x floor) at step ${best.step}\n`);
    return { preset, dataSize: n, floor, target, curve, reached: !!hit, atStep: hit?.step ?? null, wallS: hit?.wallS ?? null, cpuS: hit?.cpuS ?? null };
  },
};
