/**
 * `phylab train`: train the frame-conditioned video DiT on simulator clips (or the synthetic
 * square), with checkpoints in <out>/checkpoint that a re-run of the same command resumes.
 */
import { join, resolve } from 'node:path';
import { mkdirSync } from 'node:fs';
import { CommandSpec, ParsedArgs, UsageError } from '../args';
import { claimLock, describeHolder, lockHolder, releaseLock } from '../../runtime/pid-lock';
import { applyDotted, Choices } from '../../config/overrides';
import { ConfigError, PROFILES, Profile, parseProfile } from '../../config/profile';
import { AUTOENCODER_KINDS } from '../../model/autoencoder';
import { DiTConfig } from '../../model/dit-config';
import { PRESET_NAMES, defaultPresetFor, modelConfigFor } from '../../model/presets';
import { ditRunConfig } from '../../train/run-dit';
import { DiffusionConfig, defaultDiffusionConfig } from '../../diffusion/schedule';
import { initBackend } from '../../runtime/backend';
import { writeRunInfo } from '../../runtime/provenance';
import { DataSourceConfig, SCENARIOS, Scenario, dataFrameShape, defaultDataSourceConfig, openVideoSource } from '../../train/data-source';
import { LOSS_WEIGHTINGS } from '../../diffusion/loss-weighting';
import { TIMESTEP_SAMPLINGS } from '../../diffusion/timestep-sampling';
import { DiTRunConfig, LR_SCHEDULES, TrainConfig, trainConfigFor, withRecipeDefaults, withoutRecipeDefaults } from '../../train/train-config';
import { DiTTrainer, NonFiniteLossError } from '../../train/trainer';
import { AutoencoderConfig, defaultAutoencoderConfig } from '../../model/autoencoder';

/** The resolved configuration of `phylab train` (what --a.b=v overrides address). */
export interface TrainCommandConfig {
  profile: Profile;
  seed: number;
  preset: string;
  data: DataSourceConfig;
  model: DiTConfig;
  diffusion: DiffusionConfig;
  autoencoder: AutoencoderConfig;
  train: TrainConfig;
}

export const TRAIN_CHOICES: Choices = {
  'data.kind': ['dataset', 'synthetic'],
  'data.dataset.scenario': SCENARIOS as string[],
  'model.pos': ['rope', 'learned'],
  'model.adaln': ['block', 'single'],
  'diffusion.schedule': ['cosine', 'linear'],
  'diffusion.sampler': ['ddim', 'ancestral'],
  'autoencoder.kind': AUTOENCODER_KINDS as string[],
  'train.lrSchedule': LR_SCHEDULES as string[],
  'train.timestepSampling': TIMESTEP_SAMPLINGS as string[],
  'train.lossWeighting': LOSS_WEIGHTINGS as string[],
};

/** Defaults for a profile/preset/scenario, then dotted overrides; the latent shape follows the data. */
export function resolveTrainConfig(profile: Profile, preset: string, scenario: Scenario, seed: number, overrides: Record<string, string>): TrainCommandConfig {
  if ('model.latentShape' in overrides) throw new ConfigError('model.latentShape is derived from the data (data.dataset.frames/size) and the autoencoder; set those instead');
  const data = defaultDataSourceConfig(profile, scenario);
  const base: TrainCommandConfig = {
    profile,
    seed,
    preset,
    data,
    model: modelConfigFor(preset, dataFrameShape(data)),
    diffusion: defaultDiffusionConfig(),
    autoencoder: defaultAutoencoderConfig(),
    // the optional recipe fields are addressable (--train.lossWeighting=min-snr) but left out at their defaults
    train: withRecipeDefaults(trainConfigFor(profile)),
  };
  const cfg = applyDotted(base, overrides, TRAIN_CHOICES);
  cfg.train = withoutRecipeDefaults(cfg.train);
  // checkpoints store this path: make it absolute so `phylab sample` and experiments work from any folder
  if (cfg.autoencoder.weights) cfg.autoencoder.weights = resolve(cfg.autoencoder.weights);
  if (cfg.data.kind === 'synthetic' && !('data.synthetic.count' in overrides)) cfg.data.synthetic.count = cfg.data.dataset.count;
  // the model through the one builder (ditRunConfig → modelConfigFor), as every experiment's units:
  // its latent shape from the data and the autoencoder, the patch the preset's unless overridden
  const { latentShape: _derived, ...model } = cfg.model;
  if (!('model.patch' in overrides)) delete (model as Partial<DiTConfig>).patch;
  const run = ditRunConfig({ preset, frameShape: dataFrameShape(cfg.data), seed: cfg.seed, model, diffusion: cfg.diffusion, autoencoder: cfg.autoencoder, train: cfg.train });
  cfg.model = run.model;
  return cfg;
}

export function runConfigOf(c: TrainCommandConfig): DiTRunConfig {
  return { seed: c.seed, preset: c.preset, model: c.model, diffusion: c.diffusion, autoencoder: c.autoencoder, train: c.train };
}

/** Select the backend (initBackend also turns on the OpenBLAS matmul on wasm when it is built). */
export async function initDitBackend(): Promise<void> {
  await initBackend();
}

export const command: CommandSpec = {
  name: 'train',
  summary: 'train the frame-conditioned video DiT (checkpoints resume after a kill)',
  order: 30,
  description: [
    'Trains a DiT preset on clips of a basic scenario (lib/data, generated and cached on first use) or on the',
    'synthetic moving square (--data.kind=synthetic). Writes <out>/run.json, <out>/train-log.jsonl and',
    '<out>/checkpoint/ (config.json with the model config, weights.bin, ema.bin, optimizer.bin). Running the',
    'same command again resumes from the checkpoint; a changed config is refused. Stops with a message',
    'if the loss becomes NaN/Inf, keeping the last good checkpoint.',
    `Presets: ${PRESET_NAMES.join(', ')} (profile defaults: smoke tiny, quick q64, paper DiT-S).`,
  ].join('\n'),
  acceptsOverrides: true,
  options: [
    { name: 'profile', type: 'string', choices: PROFILES, help: 'scale: smoke (seconds), quick (CPU), paper (GPU)', default: 'quick' },
    { name: 'preset', type: 'string', choices: PRESET_NAMES, help: 'model size (default: the profile\'s first preset)' },
    { name: 'scenario', type: 'string', choices: SCENARIOS as string[], help: 'training clips', default: 'uniform' },
    { name: 'seed', type: 'integer', min: 0, help: 'training seed (init, data order, noise)', default: 0 },
    { name: 'out', type: 'string', help: 'run folder (required)' },
    { name: 'steps', type: 'integer', min: 1, help: 'total optimizer steps (same as --train.steps)' },
    { name: 'resume', type: 'boolean', help: 'resume from <out>/checkpoint when present', default: true },
    { name: 'progress', type: 'boolean', help: 'show a progress bar', default: true },
  ],
  examples: [
    'phylab train --profile smoke --out /tmp/dit-smoke',
    'phylab train --profile quick --preset q128 --out runs/q128-uniform --train.steps=5000 --train.lr=5e-4',
    'phylab train --profile quick --out runs/sq --data.kind=synthetic --model.pos=learned',
  ],
  async run(args) {
    const o = args.options;
    if (!o.out) throw new UsageError('--out is required (the run folder; re-running with the same folder resumes)');
    const profile = parseProfile(o.profile as string);
    const preset = (o.preset as string | undefined) ?? defaultPresetFor(profile);
    const overrides = { ...args.overrides };
    if (o.steps !== undefined) overrides['train.steps'] = String(o.steps);
    const cfg = resolveTrainConfig(profile, preset, o.scenario as Scenario, o.seed as number, overrides);
    const out = resolve(String(o.out));
    // one writer per run folder: a second `phylab train --out` on it stops here (two would lose a model)
    const lock = claimRunFolder(out);
    try {
      return await trainInto(out, cfg, preset, o);
    } finally {
      releaseLock(lock);
    }
  },
};

/** The lock file of a `phylab train` run folder. */
export const TRAIN_LOCK = 'train.lock';

/** Take `<out>/train.lock` for this process; a UsageError naming the holder when another live process has it. */
export function claimRunFolder(out: string): string {
  mkdirSync(out, { recursive: true });
  const lock = join(out, TRAIN_LOCK);
  if (!claimLock(lock)) {
    const holder = lockHolder(lock);
    throw new UsageError(`another phylab train (${holder ? describeHolder(holder) : 'pid ?'}) is writing ${out} (lock ${lock}); wait for it to finish or use another --out folder`);
  }
  return lock;
}

async function trainInto(out: string, cfg: TrainCommandConfig, preset: string, o: ParsedArgs['options']): Promise<number | void> {
  await initDitBackend();
  const opened = await openVideoSource(cfg.data, { progress: !!o.progress });
  try {
    const trainer = DiTTrainer.create({
      config: runConfigOf(cfg),
      source: opened.source,
      checkpointDir: join(out, 'checkpoint'),
      resume: !!o.resume,
      logFile: join(out, 'train-log.jsonl'),
      dataConfig: cfg.data,
    });
    // written once the resume was accepted, so run.json always describes the weights beside it
    try {
      writeRunInfo(out, cfg, cfg.seed, { command: 'train' });
    } catch (e) {
      trainer.dispose();
      throw e;
    }
    const m = cfg.model;
    process.stderr.write(
      `[phylab] ${preset}: ${trainer.model.numParams().toLocaleString('en-US')} params, ${trainer.model.geometry.tokens} tokens (${m.latentShape.join('×')} / patch ${m.patch.join('×')}), ` +
        `data: ${opened.source.description}${trainer.step > 0 ? `; resuming at step ${trainer.step}` : ''}\n`,
    );
    try {
      const r = await trainer.train({ progress: !!o.progress });
      process.stdout.write(`trained ${r.step} steps; last loss ${trainer.lastLoss?.toFixed(5) ?? 'n/a'}; checkpoint ${join(out, 'checkpoint')}\n`);
      process.stdout.write(`next: phylab sample --checkpoint ${out} --out ${join(out, 'samples')}\n`);
    } catch (e) {
      if (e instanceof NonFiniteLossError) {
        process.stderr.write(`phylab train: ${e.message}\n`);
        return 1;
      }
      throw e;
    } finally {
      trainer.dispose();
    }
  } finally {
    opened.close();
  }
}
