/**
 * Experiment `attribute-priority` (paper §5.3, Fig 8–9, A.5.2; paper-spec §6; findings.md §4):
 * when a test case mixes attributes seen only in other combinations, which does the model keep?
 * The paper's ranking: colour > size > velocity > shape.
 *
 * Six pairs and the ring variant (pairs.ts): each trains a model on two combinations of two
 * attributes and conditions it on the two swapped combinations (split 'test') and on held-out
 * videos of its training combinations (split 'train'). The attribute readers
 * (lib/metrics/attribute-readers.ts) read colour, shape, size and velocity of the generated frames
 * t ≥ condFrames (the shape among the pair's own shapes, `pairShapes`); a continuous attribute is kept when it is within the readers' own tolerance
 * (vae-readers.ts) of the conditioning value, colour and shape when the class is unchanged.
 *
 * Units (cached, resumable): `vae` (the shared frame VAE), `readers` (reader validation and the
 * tolerances), `train/<pair>/s<seed>`, `eval/<pair>/s<seed>`. Order: the VAE and the readers, then
 * seed 1 of every pair, then seed 2 of every pair, and so on. Each model seed also draws its own
 * training videos (data seed = model seed); test and held-out videos are the same for every seed.
 *
 * Rows (one per generated video): pair, seed, split ('test' | 'train'), combo (index into the
 * pair's test or train combinations), index, condition.{color,size,velocity,shape},
 * generated.{color,size,velocity,shape} and kept.{color,size,velocity,shape} (true/false for the
 * pair's two attributes, null for the others). The summary rows are flat, so the issue's
 * `condition`/`generated`/`kept` objects appear as dotted column names.
 */
import { DEFAULT_SEEDS, resolveProfile } from '../../config/profile-table';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../config/profile';
import type { Shape } from '../../sim/types';
import { makeVideo, VideoSample } from '../../data/index';
import { readAttributes, defaultReaderOptions } from '../../metrics/attribute-readers';
import { toB64, trainUnit, vaeTrainFields, withTrainedModel } from '../dit/dit-units';
import { datasetKey } from '../dit/dataset-key';
import { trainConfigKey } from '../dit/train-key';
import type { Experiment, Row, Unit } from '../core/experiment';
import { resultOf, toJson } from '../core/unit-results';
import { checkChoiceList, checkInt, checkNumber, checkSeeds } from '../dit/settings-checks';
import { AttributePriorityConfig, comboData, defaultAttributePriorityConfig } from './config';
import { ATTRIBUTES, Attribute, Combo, PAIR_NAMES, pairSpec, PairSpec } from './pairs';
import { ATTR_EVAL, ATTR_EVAL_RESULT, ATTR_READERS, ATTR_READERS_RESULT, ATTR_VAE } from './schemas';
import { ReadersResult, readersUnit, vaeDir, vaeUnit } from './vae-readers';
import { predictionRows, stackedStrips } from './filmstrips';

export * from './config';
export * from './pairs';

/** (pair, seed) cells in run order: every pair for the first seed, then the next seed. */
export function cells(c: AttributePriorityConfig, seeds: number[]): Array<{ pair: string; seed: number; tag: string }> {
  return seeds.flatMap((seed) => c.pairs.map((pair) => ({ pair, seed, tag: `${pair}/s${seed}` })));
}

/** The evaluation videos of a pair: test combinations (seed evalSeed) and held-out training combinations (seed evalSeed + 1). */
export function evalVideos(c: AttributePriorityConfig, p: PairSpec): Array<{ split: 'test' | 'train'; combo: number; video: VideoSample }> {
  const out: Array<{ split: 'test' | 'train'; combo: number; video: VideoSample }> = [];
  const add = (split: 'test' | 'train', combos: ReadonlyArray<Combo>, per: number, seed: number) => {
    const cfg = comboData(c, combos, combos.length * per, 'id');
    for (let i = 0; i < cfg.count; i++) out.push({ split, combo: i % combos.length, video: makeVideo(cfg, seed, i) });
  };
  add('test', p.test, c.testPerCombo, c.evalSeed);
  add('train', p.train, c.heldOutPerCombo, c.evalSeed + 1);
  return out;
}

/** The shapes the shape reader chooses among for a pair: the shapes of its combinations (e.g. disc or square), so a reading is one of the pair's two values. */
export function pairShapes(p: PairSpec): Shape[] {
  return [...new Set([...p.train, ...p.test].map((k) => k.shape))];
}

/** One generated video as the eval unit stores it. */
export interface AttrRecord {
  split: 'test' | 'train';
  combo: number;
  index: number;
  condition: { color: string; shape: string; size: number; velocity: number };
  generated: { color: string | null; shape: string | null; size: number | null; velocity: number | null };
}

export interface AttrExample {
  split: 'test' | 'train';
  combo: number;
  index: number;
  generated: string;
  truth: string;
}

export interface AttrEval {
  records: AttrRecord[];
  examples: AttrExample[];
}

const r4 = (x: number | null) => (x === null ? null : Math.round(x * 10000) / 10000);

/** Whether the generated value keeps the conditioning value of `attr` (tolerances from the readers unit). */
export function keptOf(attr: Attribute, r: AttrRecord, tol: ReadersResult['tolerance']): boolean {
  const g = r.generated;
  if (attr === 'color') return g.color === r.condition.color;
  if (attr === 'shape') return g.shape === r.condition.shape;
  if (attr === 'size') return g.size !== null && Math.abs(g.size - r.condition.size) <= tol.size;
  return g.velocity !== null && Math.abs(g.velocity - r.condition.velocity) <= tol.velocity;
}

export function validateAttributePriority(c: AttributePriorityConfig, seeds: number[]): void {
  checkSeeds(seeds);
  checkChoiceList('pairs', c.pairs, PAIR_NAMES);
  if (c.pairs.length === 0) throw new ConfigError(`pairs must list at least one of ${PAIR_NAMES.join(', ')}`);
  checkInt('dataSize', c.dataSize, 2);
  checkInt('frames', c.frames, c.condFrames + 2, 512);
  checkInt('size', c.size, 8, 256);
  checkInt('frameStride', c.frameStride, 1, 1000);
  checkInt('condFrames', c.condFrames, 1, c.frames - 2);
  checkInt('testPerCombo', c.testPerCombo, 1);
  checkInt('heldOutPerCombo', c.heldOutPerCombo, 1);
  checkInt('readerPerCombo', c.readerPerCombo, 1);
  checkInt('clipSizeClips', c.clipSizeClips, 1);
  checkInt('sampleSteps', c.sampleSteps, 1, 1000);
  checkInt('evalSeed', c.evalSeed, 0);
  checkNumber('toleranceFactor', c.toleranceFactor, 0);
  checkInt('examples', c.examples, 0, c.testPerCombo);
  if (!c.train.condFrames.includes(c.condFrames)) throw new ConfigError(`train.condFrames ${JSON.stringify(c.train.condFrames)} must include condFrames (${c.condFrames})`);
}

export const experiment: Experiment<AttributePriorityConfig> = {
  name: 'attribute-priority',
  description: 'attribute priority: which attribute a model keeps in unseen combinations (paper §5.3, Fig 8–9)',
  defaultConfig: defaultAttributePriorityConfig,
  defaultSeeds: (profile) => resolveProfile(DEFAULT_SEEDS, profile),
  validate: validateAttributePriority,
  plan(c, seeds) {
    const vae = vaeUnit(c);
    vae.schema = ATTR_VAE;
    const readers = readersUnit(c, vae);
    readers.schema = ATTR_READERS;
    const units: Unit[] = [vae, readers];
    for (const { pair, seed, tag } of cells(c, seeds)) {
      const p = pairSpec(pair);
      const data = comboData(c, p.train, c.dataSize, 'train');
      const train = { ...c.train };
      const key = { pair, preset: c.preset, seed, dataSeed: seed, data: datasetKey(data), train: trainConfigKey(train), patch: c.patch, vae: { key: vae.key, version: vae.version } };
      units.push(trainUnit({
        id: `train/${tag}`, key, version: 'attr-train-v1', preset: c.preset, seed, data, dataSeed: seed, train,
        ...vaeTrainFields(vae, c.vae.model, c.patch, vaeDir),
      }));
      units.push({
        id: `eval/${tag}`,
        key: { train: key, sampleSteps: c.sampleSteps, testPerCombo: c.testPerCombo, heldOutPerCombo: c.heldOutPerCombo, evalSeed: c.evalSeed, condFrames: c.condFrames, examples: c.examples },
        version: 'attr-eval-v1',
        deps: [`train/${tag}`],
        cost: c.sampleSteps * (2 * c.testPerCombo + 2 * c.heldOutPerCombo) * 0.2,
        schema: ATTR_EVAL,
        run: async (ctx) => {
          ctx.progress.status(`sampling ${tag}`);
          const items = evalVideos(c, p);
          const videos = items.map((it) => it.video);
          const gen = await withTrainedModel(ctx.depDirs[`train/${tag}`], { condFrames: c.condFrames, seed, steps: c.sampleSteps }, (g) => g(videos));
          const records: AttrRecord[] = items.map((it, i) => {
            const v = it.video;
            const o = v.objects[0];
            const read = readAttributes(gen[i], v.frameShape, { ...defaultReaderOptions(v.frameDt, c.condFrames), shapes: pairShapes(p) });
            return {
              split: it.split, combo: it.combo, index: v.index,
              condition: { color: o.color, shape: o.shape, size: o.radius, velocity: v.states[2] },
              generated: { color: read.color, shape: read.shape, size: r4(read.size), velocity: r4(read.velocity) },
            };
          });
          const examples: AttrExample[] = [];
          for (const split of ['test', 'train'] as const) {
            for (let k = 0; k < 2; k++) {
              const idx = items.map((it, i) => (it.split === split && it.combo === k ? i : -1)).filter((i) => i >= 0).slice(0, split === 'test' ? c.examples : Math.min(1, c.examples));
              for (const i of idx) examples.push({ split, combo: k, index: items[i].video.index, generated: toB64(gen[i]), truth: toB64(videos[i].frames) });
            }
          }
          return toJson<AttrEval>({ records, examples });
        },
      });
    }
    return units;
  },
  summarize(c, seeds, results) {
    const readers = resultOf(results, 'readers', ATTR_READERS_RESULT);
    const rows: Row[] = [];
    for (const { pair, seed, tag } of cells(c, seeds)) {
      const ev = resultOf(results, `eval/${tag}`, ATTR_EVAL_RESULT);
      if (!ev) continue;
      const p = pairSpec(pair);
      for (const r of ev.records) {
        const row: Row = {
          pair, seed, split: r.split, combo: r.combo, index: r.index,
          'condition.color': r.condition.color, 'condition.size': r4(r.condition.size), 'condition.velocity': r4(r.condition.velocity), 'condition.shape': r.condition.shape,
          'generated.color': r.generated.color, 'generated.size': r.generated.size, 'generated.velocity': r.generated.velocity, 'generated.shape': r.generated.shape,
        };
        for (const a of ATTRIBUTES) row[`kept.${a}`] = readers && p.attributes.includes(a) ? keptOf(a, r, readers.tolerance) : null;
        rows.push(row);
      }
    }
    return rows;
  },
  exportArtifacts(c, seeds, results, outDir) {
    // For each pair, the first seed's examples of each test combination: truth, generated, "A kept", "B kept".
    const dir = join(outDir, 'examples');
    rmSync(dir, { recursive: true, force: true });
    const index: Array<Record<string, string | number | null>> = [];
    for (const { pair, seed, tag } of cells(c, seeds)) {
      if (seed !== seeds[0]) continue;
      const ev = resultOf(results, `eval/${tag}`, ATTR_EVAL_RESULT);
      if (!ev) continue;
      const p = pairSpec(pair);
      const items = evalVideos(c, p);
      mkdirSync(dir, { recursive: true });
      for (const ex of ev.examples.filter((e) => e.split === 'test')) {
        const it = items.find((x) => x.split === ex.split && x.video.index === ex.index);
        if (!it) continue;
        const rec = ev.records.find((r) => r.split === ex.split && r.index === ex.index);
        const rows = predictionRows(p, ex.combo, it.video, Buffer.from(ex.generated, 'base64'));
        const file = `${pair}-s${seed}-test${ex.combo}-${ex.index}.png`;
        writeFileSync(join(dir, file), stackedStrips(rows.map((r) => r.frames), c.frames, c.size));
        index.push({
          file, pair, seed, split: ex.split, combo: ex.combo, index: ex.index, rows: rows.map((r) => r.label).join(' | '),
          condition: rec ? `${rec.condition.color} ${rec.condition.shape} r=${rec.condition.size.toFixed(2)} v=${rec.condition.velocity.toFixed(2)}` : null,
          generated: rec ? `${rec.generated.color ?? '?'} ${rec.generated.shape ?? '?'} r=${rec.generated.size?.toFixed(2) ?? '?'} v=${rec.generated.velocity?.toFixed(2) ?? '?'}` : null,
        });
      }
    }
    if (index.length) writeFileSync(join(dir, 'index.json'), JSON.stringify(index, null, 1) + '\n');
  },
};
