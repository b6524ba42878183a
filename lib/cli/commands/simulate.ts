/**
 * `phylab simulate`: write simulated videos for people to look at: one folder per video with
 * PNG frames (`frame-000.png` …) and `states.json` (per frame, per object: x, y, vx, vy, radius,
 * color, shape; plus the scenario's parameters), optionally an animated GIF and a filmstrip PNG.
 * Videos are exactly those of the dataset (scenario, split, seed): `makeVideo(cfg, seed, i)`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { CommandSpec, UsageError } from '../args';
import { applyDotted } from '../../config/overrides';
import { DatasetConfig, defaultDatasetConfig, validateDatasetConfig } from '../../data/dataset-config';
import { createVideoMaker, sampleStates } from '../../data/make-video';
import { OOD_LEVELS } from '../../data/ranges';
import { parseScenario, SCENARIOS } from '../../sim/scenes';
import { encodePng, filmstrip } from '../../render/png';
import { encodeGif } from '../../render/gif';
import { writeRunInfo } from '../../runtime/provenance';
import { Progress } from '../../runtime/progress';
import { writePhyreVideos } from '../../sim/phyre/export';
import { checkTemplate } from '../../sim/phyre/templates';
import { comboClasses, PAIR_NAMES, pairSpec } from '../../experiments/attribute-priority/pairs';

export const command: CommandSpec = {
  name: 'simulate',
  summary: 'simulate videos (basic scenarios or PHYRE-like templates) and write PNG frames + states.json (and GIF / filmstrip)',
  description: [
    'Each video i is makeVideo(config, seed, i): the same video the datasets hold. Any dataset config',
    'field can be overridden with --data.<field>=<value>, e.g. --data.direction=both,',
    '--data.velocity=[[1,1.25],[3.75,4]] or --data.supersample=1 (the paper\'s point-sampled render).',
    '',
    '--scenario phyre: the 70 PHYRE-like templates of the paper\'s combinatorial experiment (paper-spec §4).',
    'Video = task 1000<template>:<seed> + action trial; --trials K writes trials 0..K-1 (from --trial).',
    'Frames are 20 physics steps (1/3 s) apart by default (--stride); states.json holds every body.',
    '',
    '--scenario attributes: uniform motion of one object with a colour (red/blue), size (radius; square:',
    'half-side), velocity and shape (circle, square, ring), as in the attribute-priority experiment',
    '(paper §5.3, paper-spec §6): --pair <name> and --set train|test pick the combinations (video i has',
    'combination i mod 2); shapes can also be set directly with --data.classes=[...].',
  ].join('\n'),
  order: 20,
  acceptsOverrides: true,
  options: [
    { name: 'scenario', type: 'string', help: 'which scenario (phyre: the PHYRE-like templates)', choices: [...SCENARIOS, 'phyre', 'attributes'], default: 'uniform' },
    { name: 'pair', type: 'string', help: `attributes: the pair whose combinations are drawn (${PAIR_NAMES.join(', ')})`, choices: [...PAIR_NAMES], default: 'color-shape' },
    { name: 'set', type: 'string', help: 'attributes: the pair\'s training or (swapped) test combinations', choices: ['train', 'test'], default: 'test' },
    { name: 'template', type: 'integer', help: 'phyre: template index 0-69 (task id 10000 + index)', min: 0, max: 69, default: 0 },
    { name: 'trials', type: 'integer', help: 'phyre: number of action trials to write', min: 1, max: 1000, default: 1 },
    { name: 'trial', type: 'integer', help: 'phyre: first action trial', min: 0, default: 0 },
    { name: 'stride', type: 'integer', help: 'phyre: physics steps (1/60 s) per frame', min: 1, max: 1000, default: 20 },
    { name: 'split', type: 'string', help: 'train (grid), id (random ID points) or ood', choices: ['train', 'id', 'ood'], default: 'id' },
    { name: 'ood-level', type: 'integer', help: 'OOD level (split ood): 1–3 (uniform, parabola) or 1–6 (collision); 0 = all levels in turn', min: 0, max: 6, default: 0 },
    { name: 'count', type: 'integer', help: 'number of videos', min: 1, max: 100000, default: 3 },
    { name: 'seed', type: 'integer', help: 'dataset seed', default: 0 },
    { name: 'size', type: 'integer', help: 'frame side in pixels', min: 8, max: 256, default: 128 },
    { name: 'frames', type: 'integer', help: 'frames per video', min: 2, max: 512, default: 32 },
    { name: 'out', type: 'string', help: 'output folder (created)' },
    { name: 'gif', type: 'boolean', help: 'also write video.gif (animated, 10 frames/s)', default: false },
    { name: 'filmstrip', type: 'boolean', help: 'also write filmstrip.png (up to 16 frames side by side)', default: false },
    { name: 'png', type: 'boolean', help: 'write the per-frame PNGs (--no-png: only states.json, GIF, filmstrip)', default: true },
  ],
  examples: [
    'phylab simulate --scenario collision --split id --count 3 --seed 1 --size 128 --out /tmp/sim --gif --filmstrip',
    'phylab simulate --scenario uniform --split ood --ood-level 2 --count 5 --out /tmp/ood',
    'phylab simulate --scenario uniform --split train --count 20 --size 32 --data.direction=both --out /tmp/flip',
    'phylab simulate --scenario phyre --template 3 --seed 7 --trials 4 --size 128 --out /tmp/phyre --gif --filmstrip',
    'phylab simulate --scenario attributes --pair ring --set test --count 4 --size 64 --out /tmp/attr --filmstrip',
  ],
  async run(args) {
    const o = args.options;
    if (!o.out) throw new UsageError('--out is required: the folder to write the videos into');
    if (String(o.scenario) === 'phyre') {
      if (Object.keys(args.overrides).length > 0) throw new UsageError('--data.<field> overrides apply to the basic scenarios only, not to --scenario phyre');
      const out = resolve(String(o.out));
      mkdirSync(out, { recursive: true });
      const base = { template: checkTemplate(Number(o.template), '--template'), seed: Number(o.seed), trial: Number(o.trial), frames: Number(o.frames), size: Number(o.size), stride: Number(o.stride) };
      writeRunInfo(out, { scenario: 'phyre', ...base, trials: Number(o.trials) }, base.seed);
      const progress = new Progress({ label: 'simulate', total: Number(o.trials), unit: 'videos' });
      const dirs = writePhyreVideos(out, base, Number(o.trials), { png: Boolean(o.png), gif: Boolean(o.gif), filmstrip: Boolean(o.filmstrip) }, () => progress.tick(1));
      progress.finish();
      process.stdout.write(`wrote ${dirs.length} phyre video(s) of task ${10000 + base.template}:${String(base.seed).padStart(3, '0')} (${base.frames} frames of ${base.size}×${base.size}, stride ${base.stride}) to ${out}\n`);
      return;
    }
    const attributes = String(o.scenario) === 'attributes';
    const scenario = attributes ? 'uniform' : parseScenario(String(o.scenario), '--scenario');
    const split = String(o.split) as DatasetConfig['split'];
    const level = Number(o['ood-level']);
    const levels = OOD_LEVELS[scenario].length;
    if (level !== 0 && split !== 'ood') throw new UsageError(`--ood-level is only used with --split ood (got --split ${split})`);
    if (level > levels) throw new UsageError(`--ood-level must be in [0, ${levels}] for scenario ${scenario}, got ${level}`);
    let cfg: DatasetConfig = {
      ...defaultDatasetConfig('paper', scenario, split),
      count: Number(o.count),
      size: Number(o.size),
      frames: Number(o.frames),
      oodLevel: level,
    };
    if (attributes) {
      if (split === 'ood') throw new UsageError('--scenario attributes draws its combinations with --split id or train, not ood');
      const p = pairSpec(String(o.pair));
      cfg.classes = comboClasses(String(o.set) === 'train' ? p.train : p.test);
      cfg.sampling = 'random';
    }
    const overrides: Record<string, string> = {};
    for (const [k, v] of Object.entries(args.overrides)) {
      if (!k.startsWith('data.')) throw new UsageError(`unknown override --${k}; dataset fields are set as --data.<field>=<value>`);
      overrides[k] = v;
    }
    cfg = applyDotted({ data: cfg }, overrides).data;
    validateDatasetConfig(cfg);
    const seed = Number(o.seed);
    const out = resolve(String(o.out));
    mkdirSync(out, { recursive: true });
    writeRunInfo(out, cfg, seed);
    const maker = createVideoMaker(cfg, seed);
    const [T, H, W] = maker.frameShape;
    const progress = new Progress({ label: 'simulate', total: cfg.count, unit: 'videos' });
    for (let i = 0; i < cfg.count; i++) {
      const v = maker.make(i);
      const dir = join(out, `video-${String(i).padStart(3, '0')}`);
      mkdirSync(dir, { recursive: true });
      if (o.png) {
        for (let t = 0; t < T; t++) {
          writeFileSync(join(dir, `frame-${String(t).padStart(3, '0')}.png`), encodePng(v.frames.subarray(t * H * W * 3, (t + 1) * H * W * 3), H, W));
        }
      }
      const states = {
        index: i,
        seed,
        scenario,
        split,
        frameShape: v.frameShape,
        frameDt: v.frameDt,
        params: {
          objects: v.params.scene.objects,
          direction: v.params.scene.direction,
          oodLevel: v.params.level,
          oodLevelName: v.params.level ? OOD_LEVELS[scenario][v.params.level - 1].name : null,
          classIndex: v.params.classIndex,
          gridIndex: v.params.gridIndex,
          initial: v.initial,
          gravityY: scenario === 'parabola' ? -2.5 : 0,
        },
      };
      // readable but compact: the parameters indented, then one line per frame
      const head = JSON.stringify(states, null, 2).replace(/\n}$/, '');
      const rows = sampleStates(v).map((f) => '    ' + JSON.stringify(f));
      writeFileSync(join(dir, 'states.json'), `${head},\n  "frames": [\n${rows.join(',\n')}\n  ]\n}\n`);
      if (o.gif) writeFileSync(join(dir, 'video.gif'), encodeGif(v.frames, T, H, W));
      if (o.filmstrip) {
        const fs = filmstrip(v.frames, T, H, W, { maxFrames: 16 });
        writeFileSync(join(dir, 'filmstrip.png'), encodePng(fs.rgb, fs.height, fs.width));
      }
      progress.tick(1);
    }
    progress.finish();
    process.stdout.write(`wrote ${cfg.count} ${scenario} video(s) (${split}${split === 'ood' ? `, level ${level || 'all'}` : ''}, seed ${seed}, ${T} frames of ${H}×${W}) to ${out}\n`);
  },
};
