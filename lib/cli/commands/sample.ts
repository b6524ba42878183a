/**
 * `phylab sample`: generate videos with a trained DiT from conditioning frames, written as PNG
 * frames <out>/video-000/frame-000.png … (and the ground truth under <out>/truth/ when known).
 * With --model <name> (a shipped model, data/models/): condition it on a simulated ball at
 * --velocity (and --radius) and print the generated velocity beside the truth (./sample-model.ts).
 */
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CommandSpec, UsageError } from '../args';
import { applyDotted, Choices } from '../../config/overrides';
import { ConfigError, PROFILES, Profile, parseProfile } from '../../config/profile';
import { DiffusionConfig, validateDiffusionConfig } from '../../diffusion/schedule';
import { PRESET_NAMES } from '../../model/presets';
import { writeRunInfo } from '../../runtime/provenance';
import { loadModelForSampling } from '../../sample/load-model';
import { readVideoPngs, sampleVideos, writeVideoPngs } from '../../sample/sample-videos';
import { DataSourceConfig, dataFrameShape, defaultDataSourceConfig, openVideoSource } from '../../train/data-source';
import { readCheckpointMeta } from '../../train/checkpoint';
import { initDitBackend } from './train';
import { MODEL_OPTIONS, runModelQuery } from './sample-model';

/** The resolved configuration of `phylab sample` (what --a.b=v overrides address). */
export interface SampleCommandConfig {
  profile: Profile;
  seed: number;
  /** Videos to generate. */
  count: number;
  /** Conditioning frames per video. */
  condFrames: number;
  /** Videos per forward batch. */
  batchSize: number;
  /** Where test conditioning comes from when --cond is not given: an evaluation split of the training data. */
  split: 'id' | 'ood' | 'train';
  /** Schedule and sampler (defaults: the checkpoint's). */
  diffusion: DiffusionConfig;
  /** Data settings (defaults: the checkpoint's). */
  data: DataSourceConfig;
}

const CHOICES: Choices = { 'diffusion.sampler': ['ddim', 'ancestral'], split: ['id', 'ood', 'train'], 'data.kind': ['dataset', 'synthetic'] };

/** Video folders under `dir` (itself one when it holds frame-*.png). */
function conditioningFolders(dir: string): string[] {
  if (!existsSync(dir)) throw new UsageError(`--cond: no such folder '${dir}'`);
  if (readdirSync(dir).some((f) => /^frame-\d+\.png$/.test(f))) return [dir];
  const subs = readdirSync(dir).sort().map((f) => join(dir, f)).filter((p) => statSync(p).isDirectory() && readdirSync(p).some((f) => /^frame-\d+\.png$/.test(f)));
  if (subs.length === 0) throw new UsageError(`--cond: '${dir}' holds neither frame-NNN.png files nor folders of them`);
  return subs;
}

export const command: CommandSpec = {
  name: 'sample',
  summary: 'generate videos from conditioning frames with a trained DiT (PNG frames out)',
  order: 31,
  description: [
    'Loads <checkpoint> (a run folder of `phylab train` or its checkpoint/ folder) and samples with the EMA weights.',
    'Conditioning: --cond <folder> of frame-NNN.png (one video, or a folder of video folders), else the first',
    '--cond-frames frames of clips from an evaluation split (--split) of the data the model was trained on.',
    'Writes <out>/video-NNN/frame-NNN.png, <out>/truth/video-NNN/ (when the truth is known), <out>/samples.json, <out>/run.json.',
    '',
    'With --model <name> instead of --checkpoint: a shipped model (data/models/<experiment>/<profile>/<model>, see',
    '`phylab models list`) is conditioned on a simulated ball at each --velocity (u/s, moving right; radius --radius, else',
    'drawn as the experiment draws it), exactly as the experiment\'s evaluation conditions, samples and parses; it prints',
    'the generated velocity beside the truth and writes a filmstrip PNG and a GIF (truth above, generated below) per',
    'velocity, and answers.json, to --out (default out/ask/<model>).',
  ].join('\n'),
  acceptsOverrides: true,
  options: [
    { name: 'checkpoint', type: 'string', help: 'run folder or checkpoint folder (this or --model)' },
    { name: 'out', type: 'string', help: 'output folder (required with --checkpoint; with --model default out/ask/<model>)' },
    ...MODEL_OPTIONS,
    { name: 'profile', type: 'string', choices: PROFILES, help: 'scale for the data defaults when the checkpoint has none', default: 'quick' },
    { name: 'preset', type: 'string', choices: PRESET_NAMES, help: 'expected model preset (checked against the checkpoint)' },
    { name: 'seed', type: 'integer', min: 0, help: 'sampling seed (default 0; with --model the experiment evaluation\'s: 1000 + the training seed)' },
    { name: 'count', type: 'integer', min: 1, help: 'videos to generate (from --split)', default: 8 },
    { name: 'cond', type: 'string', help: 'folder of conditioning PNG frames (overrides --split)' },
    { name: 'cond-frames', type: 'integer', min: 1, help: 'conditioning frames per video (default: the first of train.condFrames)' },
    { name: 'split', type: 'string', choices: ['id', 'ood', 'train'], help: 'evaluation split for conditioning clips', default: 'id' },
    { name: 'steps', type: 'integer', min: 1, help: 'sampling steps (default: the checkpoint\'s diffusion.sampleSteps)' },
    { name: 'sampler', type: 'string', choices: ['ddim', 'ancestral'], help: 'sampler (default: the checkpoint\'s)' },
    { name: 'batch', type: 'integer', min: 1, help: 'videos per batch', default: 16 },
    { name: 'progress', type: 'boolean', help: 'show a progress bar', default: true },
  ],
  examples: [
    'phylab sample --checkpoint /tmp/dit-smoke --out /tmp/dit-smoke/samples --count 4',
    'phylab sample --checkpoint runs/q64 --out runs/q64/ood --split ood --count 64 --steps 50 --sampler ancestral',
    'phylab sample --checkpoint runs/q64 --out runs/q64/mine --cond my-clips/ --cond-frames 3',
    'phylab sample --model direction-flip/quick/set-1-s1 --velocity 5.5',
    'phylab sample --model direction-flip/quick/set-2-s1 --velocity 0.5,1,1.5 --radius 1.2',
  ],
  async run(args) {
    const o = args.options;
    if (o.model !== undefined) return runModelQuery(args);
    for (const f of ['velocity', 'radius']) if (o[f] !== undefined) throw new UsageError(`--${f} asks a shipped model: it needs --model <name> (phylab models list)`);
    if (!o.checkpoint) throw new UsageError('--checkpoint is required (a `phylab train` run folder or its checkpoint/ folder)');
    if (!o.out) throw new UsageError('--out is required');
    const ckDir = resolve(String(o.checkpoint));
    let meta;
    try {
      meta = readCheckpointMeta(ckDir);
    } catch (e) {
      throw new UsageError(`--checkpoint: ${(e as Error).message}`);
    }
    const run = meta.config;
    if (o.preset && o.preset !== run.preset) throw new ConfigError(`--preset ${String(o.preset)} does not match the checkpoint, which holds preset '${run.preset}'`);
    const profile = parseProfile(o.profile as string);
    const frameShape = meta.data.frameShape as [number, number, number, number];
    const base: SampleCommandConfig = {
      profile,
      seed: (o.seed as number | undefined) ?? 0,
      count: o.count as number,
      condFrames: (o['cond-frames'] as number | undefined) ?? run.train.condFrames[0],
      batchSize: o.batch as number,
      split: o.split as SampleCommandConfig['split'],
      diffusion: { ...run.diffusion, ...(o.steps ? { sampleSteps: o.steps as number } : {}), ...(o.sampler ? { sampler: o.sampler as DiffusionConfig['sampler'] } : {}) },
      data: (meta.data.source as DataSourceConfig | undefined) ?? defaultDataSourceConfig(profile),
    };
    const cfg = applyDotted(base, args.overrides, CHOICES);
    validateDiffusionConfig(cfg.diffusion);
    if (cfg.condFrames >= frameShape[0]) throw new ConfigError(`condFrames must be in [1, ${frameShape[0] - 1}] (clips have ${frameShape[0]} frames), got ${cfg.condFrames}`);
    const fb = frameShape[1] * frameShape[2] * frameShape[3];
    // conditioning frames (and the truth when it is known)
    let conditioning: Uint8Array[];
    let truth: Uint8Array[] | null = null;
    let origin: Array<string | number>;
    if (o.cond) {
      const folders = conditioningFolders(resolve(String(o.cond)));
      conditioning = folders.map((f) => {
        const r = readVideoPngs(f, cfg.condFrames);
        if (r.height !== frameShape[1] || r.width !== frameShape[2]) throw new UsageError(`--cond: ${f} has ${r.width}×${r.height} frames; the model needs ${frameShape[2]}×${frameShape[1]}`);
        if (r.count < cfg.condFrames) throw new UsageError(`--cond: ${f} has ${r.count} frames; need ${cfg.condFrames} (--cond-frames)`);
        return r.frames;
      });
      origin = folders;
    } else {
      if (dataFrameShape(cfg.data).join(',') !== frameShape.join(',')) throw new ConfigError(`data settings give clips [${dataFrameShape(cfg.data)}] but the model was trained on [${frameShape}]`);
      const opened = await openVideoSource(cfg.data, { split: cfg.split, count: cfg.split === 'train' ? undefined : cfg.count, progress: !!o.progress });
      const n = Math.min(cfg.count, opened.source.count);
      truth = Array.from({ length: n }, (_, i) => opened.source.frames(i).slice());
      opened.close();
      conditioning = truth.map((c) => c.slice(0, cfg.condFrames * fb));
      origin = truth.map((_, i) => i);
    }
    await initDitBackend();
    const loaded = loadModelForSampling(ckDir);
    try {
      const videos = await sampleVideos({
        model: loaded.model,
        autoencoder: loaded.autoencoder,
        diffusion: cfg.diffusion,
        conditioning,
        frameShape,
        seed: cfg.seed,
        batchSize: cfg.batchSize,
        progress: !!o.progress,
      });
      const out = resolve(String(o.out));
      writeRunInfo(out, cfg, cfg.seed, { command: 'sample', checkpoint: ckDir, checkpointStep: meta.step });
      const name = (i: number) => `video-${String(i).padStart(3, '0')}`;
      videos.forEach((v, i) => writeVideoPngs(join(out, name(i)), v, frameShape));
      if (truth) truth.forEach((v, i) => writeVideoPngs(join(out, 'truth', name(i)), v, frameShape));
      writeFileSync(join(out, 'samples.json'), JSON.stringify({
        checkpoint: ckDir, step: meta.step, preset: run.preset, seed: cfg.seed, sampler: cfg.diffusion.sampler, steps: cfg.diffusion.sampleSteps,
        condFrames: cfg.condFrames, frameShape, videos: videos.map((_, i) => ({ folder: name(i), conditioning: o.cond ? origin[i] : { split: cfg.split, index: origin[i] } })),
      }, null, 2) + '\n');
      process.stdout.write(`wrote ${videos.length} videos of ${frameShape[0]} frames to ${out}/video-NNN/frame-NNN.png${truth ? ' (ground truth in truth/)' : ''}\n`);
    } finally {
      loaded.model.dispose();
    }
  },
};
