/**
 * End-to-end benchmark (issue #5, item 4; recipe options issue #17): the time to train one `quick`
 * model until its ID velocity error is within 2x of the ground-truth parse floor.
 *
 * The model is id-ood's `quick` cell uniform motion, `q64`, 1024 videos, seed 1, with id-ood's
 * training settings (frame VAE latents when id-ood uses them: the VAE is trained first and its time
 * counts) but with a step cap instead of id-ood's step count; the cap is `train.steps` (default
 * 30,000), so a decaying learning-rate schedule decays to the cap. The recipe takes dotted overrides
 * (`--train.lr=2e-3 --train.lrSchedule=cosine --train.lossWeighting=min-snr --diffusion.sampleSteps=30`,
 * lib/bench/e2e-recipe.ts); the bench prints the recipe's changes from the default.
 * Every `evalEvery` steps it samples the ID clips with the EMA weights and scores them with
 * id-ood's parser; it stops at the target, at the cap or past `maxCpuMin`, and prints time to target
 * (wall and CPU seconds of this process), or the best error reached. With `name` set, the trial's
 * record (recipe, commit, curve) is written to `<trialDir>/<name>.json` after every evaluation.
 * Opt-in (`--only=e2e`): hours on a CPU.
 * `--quick` checks the path in minutes (1000 steps, 32 clips, a 2000-step VAE): it does not reach the target.
 */
import { loadOrGenerateDataset } from '../data/index';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configHash } from '../config/hash';
import { constantLrQuickConfig, dataConfig } from '../experiments/id-ood/config';
import { evalVideos, score } from '../experiments/id-ood/eval';
import { trainScenarioVae } from '../experiments/id-ood/vae';
import type { AutoencoderConfig } from '../model/autoencoder';
import { initBackend } from '../runtime/backend';
import { gitCommit } from '../runtime/provenance';
import { ditRunConfig } from '../train/run-dit';
import { sampleFromTrainer } from '../sample/from-trainer';
import { emaDecayAt, updateEma } from '../train/ema';
import { cloneParams, disposeParams } from '../model/params';
import { DiTTrainer } from '../train/trainer';
import { E2eModel, E2eRecipe, E2E_MAX_STEPS, E2E_PRESET, recipeChanges, resolveE2eRecipe } from './e2e-recipe';
import type { BenchSuite } from './suite';

export interface E2eResult {
  preset: string;
  dataSize: number;
  floor: number;
  target: number;
  /** (step, ID velocity error, wall s, CPU s) at every evaluation; times from the bench's start, the VAE included. */
  curve: Array<{ step: number; error: number; wallS: number; cpuS: number; guided?: Record<string, number>; ema?: Record<string, number> }>;
  reached: boolean;
  /** First evaluation at or under the target (null: not reached within the cap). */
  atStep: number | null;
  wallS: number | null;
  cpuS: number | null;
}

/** What a named trial writes (`<trialDir>/<name>.json`). */
export interface E2eTrial extends E2eResult {
  name: string;
  commit: string;
  startedAt: string;
  /** The resolved recipe, and its changes from the default recipe. */
  recipe: Omit<E2eRecipe, 'model'> & { model?: E2eModel };
  changes: string[];
  overrides: Record<string, string>;
  /** How the frame VAE's time entered the curve: trained in this run, or reused from `vaeCache` with its recorded time added. */
  vae: { cached: boolean; cpuS: number; wallS: number } | null;
  /** A remark added by hand (e.g. why a trial was stopped early). */
  note?: string;
  /** Why the trial ended: 'target', 'cap', 'cpu-limit', or 'running' while it runs (and when stopped by hand). */
  stopped: 'target' | 'cap' | 'cpu-limit' | 'running';
}

/** The steps the bench evaluates at: every `every` steps, and at the cap. */
export function evalSteps(every: number, cap: number): number[] {
  const out: number[] = [];
  for (let s = every; s < cap; s += every) out.push(s);
  out.push(cap);
  return out;
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
    // the code that runs is the tree at the start (a commit made while the trial runs is not it)
    const commit = gitCommit();
    const startedAt = new Date().toISOString();
    await initBackend();
    // the trials' base: id-ood's quick settings before the recipe became their default (the README's trial table is relative to it)
    const base = constantLrQuickConfig();
    // --quick: a path check, with a short VAE too
    const c = { ...base, idCount: opts.quick ? 32 : 128, vae: opts.quick ? { ...base.vae, train: { ...base.vae.train, steps: 2000 } } : base.vae };
    const overrides = { ...(opts.overrides ?? {}) };
    const recipe = resolveE2eRecipe(c, overrides, opts.quick ? 1000 : E2E_MAX_STEPS);
    const changes = recipeChanges(c, recipe, opts.quick ? 1000 : E2E_MAX_STEPS);
    const maxSteps = recipe.train.steps;
    const evalEvery = opts.evalEvery ?? (opts.quick ? 500 : 1000);
    const preset = E2E_PRESET;
    const n = 1024; // id-ood's 1K cell (its smallest size until 256 was added)
    const ids = evalVideos(c, 'uniform', { split: 'id', level: 0 });
    const floor = score(c, 'uniform', ids, ids.map((v) => v.frames)).error;
    const target = 2 * floor;
    process.stdout.write(`uniform ${preset} on ${n} videos, ${ids.length} ID clips; floor ${floor.toFixed(3)} u/s → target ≤ ${target.toFixed(3)}; cap ${maxSteps} steps, evaluated every ${evalEvery}${opts.maxCpuMin ? `, CPU limit ${opts.maxCpuMin} min` : ''}\n`);
    process.stdout.write(`recipe: ${changes.length ? changes.join('; ') : 'default (id-ood quick settings)'}\n`);
    process.stdout.write(`recipe (resolved): ${JSON.stringify(recipe)}\n`);
    let wall0 = Date.now();
    let cpu0 = cpuSeconds();
    let vaeTmp: string | null = null;
    let vaeDir: string | null = null;
    let vaeInfo: E2eTrial['vae'] = null;
    let offset = { cpuS: 0, wallS: 0 };
    let autoencoder: AutoencoderConfig | undefined;
    if (c.latent === 'vae') {
      const cacheDir = opts.vaeCache ? join(opts.vaeCache, `vae-uniform-${configHash({ vae: c.vae, dataSeed: c.dataSeed, frames: c.frames, size: c.size, stride: c.frameStride.uniform })}`) : null;
      const metaFile = cacheDir ? join(cacheDir, 'bench-time.json') : null;
      if (cacheDir && metaFile && existsSync(metaFile)) {
        const t = JSON.parse(readFileSync(metaFile, 'utf8')) as { cpuS: number; wallS: number };
        vaeDir = cacheDir;
        offset = t;
        vaeInfo = { cached: true, ...t };
        process.stdout.write(`frame VAE reused from ${cacheDir}; its recorded time (${(t.cpuS / 60).toFixed(1)} CPU-min, ${(t.wallS / 60).toFixed(1)} min wall) is added to the curve\n`);
      } else {
        vaeDir = cacheDir ?? (vaeTmp = mkdtempSync(join(tmpdir(), 'phylab-e2e-vae-')));
        mkdirSync(vaeDir, { recursive: true });
        await trainScenarioVae(c, 'uniform', vaeDir);
        vaeInfo = { cached: false, cpuS: cpuSeconds() - cpu0, wallS: (Date.now() - wall0) / 1000 };
        if (metaFile) writeFileSync(metaFile, JSON.stringify({ cpuS: vaeInfo.cpuS, wallS: vaeInfo.wallS }) + '\n');
        process.stdout.write(`frame VAE trained (${c.vae.train.steps} steps) in ${(vaeInfo.wallS / 60).toFixed(1)} min wall, ${(vaeInfo.cpuS / 60).toFixed(1)} CPU-min\n`);
      }
      autoencoder = { kind: 'vae', weights: vaeDir };
    }
    const ds = await loadOrGenerateDataset(dataConfig(c, 'uniform', 'train', n), c.dataSeed, { progress: false });
    const source = { count: ds.count, frameShape: ds.frameShape, frames: (i: number) => ds.frames(i), description: `e2e uniform n=${n}` };
    const config = ditRunConfig({ preset, frameShape: ds.frameShape, seed: 1, train: recipe.train, diffusion: recipe.diffusion, autoencoder, model: { ...recipe.model } });
    const trainer = DiTTrainer.create({ config, source, checkpointDir: null });
    // extra EMA weights beside the recipe's, updated after every optimizer step as the trainer updates its own
    const extraEma = (opts.alsoEma ?? []).map((d) => ({ decay: d, params: cloneParams(trainer.ema) }));
    const onStep = extraEma.length
      ? (info: { step: number }) => { for (const e of extraEma) updateEma(e.params, trainer.model.params, emaDecayAt(e.decay, recipe.train.emaWarmup, info.step - 1)); }
      : undefined;
    const curve: E2eResult['curve'] = [];
    let hit: E2eResult['curve'][number] | null = null;
    let stopped: E2eTrial['stopped'] = 'running';
    const result = (): E2eResult => {
      const h = hit as E2eResult['curve'][number] | null;
      return { preset, dataSize: n, floor, target, curve, reached: !!h, atStep: h?.step ?? null, wallS: h?.wallS ?? null, cpuS: h?.cpuS ?? null };
    };
    const record = () => {
      if (!opts.name) return;
      const dir = opts.trialDir ?? 'trials';
      mkdirSync(dir, { recursive: true });
      const trial: E2eTrial = { name: opts.name, commit, startedAt, recipe, changes, overrides, vae: vaeInfo, stopped, ...result() };
      writeFileSync(join(dir, `${opts.name}.json`), JSON.stringify(trial, null, 2) + '\n');
    };
    try {
      for (const step of evalSteps(evalEvery, maxSteps)) {
        await trainer.train({ untilStep: step, progress: true, onStep });
        const cond = ids.map((v) => v.frames.slice(0, c.condFrames * v.frameShape[1] * v.frameShape[2] * 3));
        const gen = await sampleFromTrainer(trainer, cond, { seed: 1001, steps: recipe.diffusion.sampleSteps });
        const point: E2eResult['curve'][number] = { step, error: score(c, 'uniform', ids, gen).error, wallS: offset.wallS + (Date.now() - wall0) / 1000, cpuS: offset.cpuS + cpuSeconds() - cpu0 };
        curve.push(point);
        process.stdout.write(`step ${step}: ID velocity error ${point.error.toFixed(4)} u/s (${(point.error / floor).toFixed(2)}x floor) after ${(point.wallS / 60).toFixed(1)} min wall, ${(point.cpuS / 60).toFixed(1)} CPU-min\n`);
        // extra scores of the same model; their time is taken out of the curve (the baselines move forward)
        const untimed = async (fn: () => Promise<void>) => {
          const w1 = Date.now();
          const c1 = cpuSeconds();
          await fn();
          wall0 += Date.now() - w1;
          cpu0 += cpuSeconds() - c1;
        };
        if (opts.alsoGuidance?.length) {
          await untimed(async () => {
            const guided: Record<string, number> = (point.guided = {});
            for (const w of opts.alsoGuidance!) {
              const g = await sampleFromTrainer(trainer, cond, { seed: 1001, steps: recipe.diffusion.sampleSteps, guidance: w });
              guided[String(w)] = score(c, 'uniform', ids, g).error;
            }
            process.stdout.write(`  guidance ${Object.entries(guided).map(([w, e]) => `w=${w}: ${e.toFixed(4)} (${(e / floor).toFixed(2)}x)`).join(', ')}\n`);
          });
        }
        if (extraEma.length) {
          await untimed(async () => {
            const ema: Record<string, number> = (point.ema = {});
            for (const e of extraEma) {
              const g = await sampleFromTrainer(trainer, cond, { seed: 1001, steps: recipe.diffusion.sampleSteps, params: e.params });
              ema[String(e.decay)] = score(c, 'uniform', ids, g).error;
            }
            process.stdout.write(`  EMA ${Object.entries(ema).map(([d, e]) => `${d === '0' ? 'raw weights' : d}: ${e.toFixed(4)} (${(e / floor).toFixed(2)}x)`).join(', ')} (recipe's ${recipe.train.emaDecay}: ${point.error.toFixed(4)})\n`);
          });
        }
        if (point.error <= target) {
          hit = point;
          stopped = 'target';
        } else if (step >= maxSteps) stopped = 'cap';
        else if (opts.maxCpuMin !== undefined && point.cpuS >= opts.maxCpuMin * 60) stopped = 'cpu-limit';
        record();
        if (stopped !== 'running') break;
      }
    } finally {
      trainer.dispose();
      for (const e of extraEma) disposeParams(e.params);
      ds.close();
      if (vaeTmp) rmSync(vaeTmp, { recursive: true, force: true });
    }
    const best = curve.reduce((a, p) => (p.error < a.error ? p : a), curve[0]);
    process.stdout.write(`CPU-time curve (CPU-min: error u/s, x floor): ${curve.map((p) => `${(p.cpuS / 60).toFixed(1)}: ${p.error.toFixed(4)} (${(p.error / floor).toFixed(2)}x)`).join(', ')}\n`);
    const h = hit as E2eResult['curve'][number] | null;
    process.stdout.write(h
      ? `reached ≤ 2x floor at step ${h.step}: ${(h.wallS / 60).toFixed(1)} min wall, ${(h.cpuS / 60).toFixed(1)} CPU-min\n`
      : `not reached (${stopped === 'cpu-limit' ? `stopped past ${opts.maxCpuMin} CPU-min` : `within ${maxSteps} steps`}): best ${best.error.toFixed(4)} u/s (${(best.error / floor).toFixed(2)}x floor) at step ${best.step}\n`);
    return result();
  },
};
