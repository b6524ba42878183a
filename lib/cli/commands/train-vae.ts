/**
 * `phylab train-vae`: train the small frame VAE (lib/model/vae.ts) on simulator frames and write its
 * checkpoint folder, for `phylab train --autoencoder.kind=vae --autoencoder.weights=<out>`.
 */
import { resolve } from 'node:path';
import { CommandSpec, UsageError } from '../args';
import { applyDotted } from '../../config/overrides';
import { PROFILES, Profile, parseProfile } from '../../config/profile';
import { VaeConfig, defaultVaeConfig, vaeFactor } from '../../model/vae';
import { initBackend } from '../../runtime/backend';
import { writeRunInfo } from '../../runtime/provenance';
import { DataSourceConfig, SCENARIOS, Scenario, defaultDataSourceConfig, openVideoSource } from '../../train/data-source';
import { VaeTrainConfig, VaeTrainer, defaultVaeTrainConfig } from '../../train/vae-trainer';

/** What --a.b=v overrides address. */
export interface TrainVaeCommandConfig {
  profile: Profile;
  seed: number;
  data: DataSourceConfig;
  vae: VaeConfig;
  train: VaeTrainConfig;
}

export function resolveTrainVaeConfig(profile: Profile, scenario: Scenario, seed: number, overrides: Record<string, string>): TrainVaeCommandConfig {
  const base: TrainVaeCommandConfig = { profile, seed, data: defaultDataSourceConfig(profile, scenario), vae: defaultVaeConfig(), train: defaultVaeTrainConfig(profile) };
  return applyDotted(base, overrides, { 'data.kind': ['dataset', 'synthetic'], 'data.dataset.scenario': SCENARIOS as string[] });
}

export const command: CommandSpec = {
  name: 'train-vae',
  summary: 'train the small frame VAE on simulator frames (the latent space for --autoencoder.kind=vae)',
  order: 29,
  description: [
    'Trains a patch-convolution VAE (kernel = stride; default 2×2 then 2×2: 16 px frames → 4×4×4 latents)',
    'on random frames of the training clips of a scenario (lib/data, generated and cached on first use), with',
    'MSE reconstruction + a small KL weight, then sets the latent scale factor to 1/std of the latents.',
    'Writes <out>/vae.json (config, scale, reconstruction error) and <out>/weights.bin, and <out>/run.json.',
    'Use it with: phylab train --autoencoder.kind=vae --autoencoder.weights=<absolute out> --model.patch=[1,2,2]',
    'Overrides: --vae.hidden=32, --vae.patches=[4], --train.lr=1e-3, --train.klWeight=1e-6, --train.batchSize=64.',
  ].join('\n'),
  acceptsOverrides: true,
  options: [
    { name: 'profile', type: 'string', choices: PROFILES, help: 'scale: smoke (seconds), quick (CPU), paper', default: 'quick' },
    { name: 'scenario', type: 'string', choices: SCENARIOS as string[], help: 'whose frames to train on', default: 'uniform' },
    { name: 'seed', type: 'integer', min: 0, help: 'init, batch and noise seed', default: 0 },
    { name: 'out', type: 'string', help: 'checkpoint folder to write (required)' },
    { name: 'steps', type: 'integer', min: 1, help: 'optimizer steps (same as --train.steps; default smoke 300, quick 4000)' },
    { name: 'progress', type: 'boolean', help: 'show a progress bar', default: true },
  ],
  examples: [
    'phylab train-vae --profile smoke --out /tmp/vae-smoke',
    'phylab train-vae --profile quick --out runs/vae --steps 3000',
    'phylab train --profile quick --out runs/q64-vae --autoencoder.kind=vae --autoencoder.weights=$PWD/runs/vae --model.patch=[1,2,2]',
  ],
  async run(args) {
    const o = args.options;
    if (!o.out) throw new UsageError('--out is required (the VAE checkpoint folder to write)');
    const profile = parseProfile(o.profile as string);
    const overrides = { ...args.overrides };
    if (o.steps !== undefined) overrides['train.steps'] = String(o.steps);
    const cfg = resolveTrainVaeConfig(profile, o.scenario as Scenario, o.seed as number, overrides);
    const out = resolve(String(o.out));
    await initBackend();
    const opened = await openVideoSource(cfg.data, { progress: !!o.progress });
    try {
      const trainer = new VaeTrainer(opened.source, cfg.vae, cfg.train, cfg.seed);
      try {
        const [, h, w] = opened.source.frameShape;
        const f = vaeFactor(cfg.vae);
        process.stderr.write(`[phylab] VAE ${h}×${w}×3 → ${h / f}×${w / f}×${cfg.vae.latentChannels} (hidden ${cfg.vae.hidden}), data: ${opened.source.description}\n`);
        const before = await trainer.reconMse();
        await trainer.run({ progress: !!o.progress });
        const meta = await trainer.save(out);
        writeRunInfo(out, cfg, cfg.seed, { command: 'train-vae' });
        process.stdout.write(
          `trained ${trainer.step} steps; reconstruction MSE (pixels in [−1, 1], ${cfg.train.scaleFrames} frames) ${before.toFixed(5)} → ${(meta.reconMse ?? NaN).toFixed(5)} ` +
            `(RMS ${((Math.sqrt(meta.reconMse ?? NaN) * 255) / 2).toFixed(1)}/255); latent scale ${meta.scale.toFixed(5)}; checkpoint ${out}\n`,
        );
        process.stdout.write(`next: phylab train --profile ${profile} --out <run> --autoencoder.kind=vae --autoencoder.weights=${out} --model.patch=[1,2,2]\n`);
      } finally {
        trainer.dispose();
      }
    } finally {
      opened.close();
    }
  },
};
