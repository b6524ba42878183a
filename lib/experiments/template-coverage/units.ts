/**
 * The unit bodies of experiment `template-coverage`: the simulator feature nets, the frame VAE
 * (with its reconstruction floor), the ground-truth floor, a DiT trained on a template set, and
 * its evaluation on in-template and out-of-template clips.
 */
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { createAutoencoder, framesToTensor, tensorToFrames } from '../../model/autoencoder';
import { VaeTrainer } from '../../train/vae-trainer';
import { ditRunConfig, trainDiT } from '../../train/run-dit';
import { FeatureNet, trainSimFeatureNet } from '../../metrics/feature-nets';
import { stepSecondsOf, toB64, TrainResult, trainCost, withTrainedModel } from '../dit/dit-units';
import { trainConfigKey } from '../dit/train-key';
import { describeTraining } from '../dit/train-description';
import { vaeFactor } from '../../model/vae';
import type { Json, Unit, UnitContext } from '../core/experiment';
import { toJson } from '../core/unit-results';
import { TRAIN_RESULT } from '../core/unit-schemas';
import type { TemplateCoverageConfig } from './config';
import { inTemplateVideos, outOfTemplateVideos, TcVideo, trainVideos, vaeVideos, videoSource } from './data';
import { scoreSet, SetScores } from './scores';
import { FeatureNetReport, TC_EVAL, TC_FEATURES, TC_FLOOR, TC_VAE, TcEvalResult, TcVaeResult } from './schemas';

/** The two evaluation splits. */
export const SPLITS = ['in-template', 'out-of-template'] as const;
export type Split = (typeof SPLITS)[number];

/** The evaluation clips of a split for a model on `templates` templates. */
export function evalVideos(c: TemplateCoverageConfig, templates: number, split: Split): TcVideo[] {
  return split === 'in-template' ? inTemplateVideos(c, templates) : outOfTemplateVideos(c);
}

/** Loads (or trains into data/cache/feature-nets) both feature nets of the config. */
export async function featureNets(c: TemplateCoverageConfig): Promise<{ frame: FeatureNet; video: FeatureNet; reports: { frame: FeatureNetReport; video: FeatureNetReport } }> {
  const f = await trainSimFeatureNet({ ...c.features.frame, kind: 'frame' });
  const v = await trainSimFeatureNet({ ...c.features.video, kind: 'video' });
  const rep = (r: typeof f.report): FeatureNetReport => ({ seconds: r.seconds, firstLoss: r.firstLoss, lastLoss: r.lastLoss, trainAccuracy: r.trainAccuracy });
  return { frame: f.net, video: v.net, reports: { frame: rep(f.report), video: rep(v.report) } };
}

async function withNets<R>(c: TemplateCoverageConfig, fn: (nets: { frame: FeatureNet; video: FeatureNet }) => Promise<R>): Promise<R> {
  const nets = await featureNets(c);
  try {
    return await fn(nets);
  } finally {
    nets.frame.dispose();
    nets.video.dispose();
  }
}

/** Unit `features`: the simulator feature nets of LPIPS-sim and FVD-sim (weights cached in data/cache/feature-nets). */
export function featuresUnit(c: TemplateCoverageConfig): Unit {
  return {
    id: 'features',
    key: { features: toJson(c.features) },
    version: 'tc-features-v1',
    cost: 2000,
    schema: TC_FEATURES,
    run: async (ctx) => {
      ctx.progress.status('training the simulator feature nets');
      const nets = await featureNets(c);
      nets.frame.dispose();
      nets.video.dispose();
      return toJson(nets.reports);
    },
  };
}

const clipKey = (c: TemplateCoverageConfig) => ({ frames: c.frames, size: c.size, stride: c.stride, condFrames: c.condFrames });
const evalKey = (c: TemplateCoverageConfig) => ({ ...clipKey(c), inCount: c.inCount, outCount: c.outCount, features: toJson(c.features), detector: toJson(c.detector) });

/** Unit `floor`: the ground truth scored against itself, per template set and split (the detector's false positives on clean clips). */
export function floorUnit(c: TemplateCoverageConfig): Unit {
  return {
    id: 'floor',
    key: { ...evalKey(c), templateSets: c.templateSets },
    version: 'tc-floor-v1',
    cost: 50 * (c.inCount * c.templateSets.length + c.outCount),
    deps: ['features'],
    schema: TC_FLOOR,
    run: async (ctx) => {
      const out: Record<string, SetScores> = {};
      await withNets(c, async (nets) => {
        for (const templates of c.templateSets) {
          for (const split of SPLITS) {
            if (split === 'out-of-template' && templates !== c.templateSets[0]) continue; // the same clips for every set
            ctx.progress.status(`floor: ground truth ${templates} ${split}`);
            const v = evalVideos(c, templates, split);
            out[`${templates}/${split}`] = scoreSet(v, v.map((x) => x.frames), c.condFrames, nets, c.detector);
          }
        }
      });
      return toJson(out);
    },
  };
}

/** Where the VAE unit keeps its weights. */
export const vaeDir = (unitDir: string) => join(unitDir, 'vae');

/** Unit `vae`: the frame VAE trained on frames of the 60 training templates (seed dataSeed), and its reconstructions of every evaluation set scored as generations (the VAE floor). */
export function vaeUnit(c: TemplateCoverageConfig): Unit {
  return {
    id: 'vae',
    key: { ...evalKey(c), vae: toJson(c.vae), vaePerTemplate: c.vaePerTemplate, dataSeed: c.dataSeed, templateSets: c.templateSets },
    version: 'tc-vae-v1',
    cost: c.vae.train.steps * c.vae.train.batchSize * 0.05,
    deps: ['features'],
    schema: TC_VAE,
    run: async (ctx) => {
      ctx.progress.status('vae: simulating its training clips');
      const vids = vaeVideos(c);
      ctx.progress.status(`vae: training on ${vids.length} clips`);
      const trainer = new VaeTrainer(videoSource(vids, `template-coverage vae n=${vids.length}`), c.vae.model, c.vae.train, c.dataSeed);
      let meta;
      try {
        await trainer.run({ progress: true });
        meta = await trainer.save(vaeDir(ctx.dir));
      } finally {
        trainer.dispose();
      }
      const ae = createAutoencoder({ kind: 'vae', weights: vaeDir(ctx.dir) });
      const recon: Record<string, SetScores> = {};
      try {
        await withNets(c, async (nets) => {
          for (const templates of c.templateSets) {
            for (const split of SPLITS) {
              if (split === 'out-of-template' && templates !== c.templateSets[0]) continue;
              ctx.progress.status(`vae: reconstructing ${templates} ${split}`);
              const v = evalVideos(c, templates, split);
              const rec: Uint8Array[] = [];
              for (let i = 0; i < v.length; i += 64) {
                const batch = v.slice(i, i + 64);
                const x = framesToTensor(batch.map((b) => b.frames), batch[0].frameShape);
                const y = tf.tidy(() => ae.decode(ae.encode(x)));
                x.dispose();
                rec.push(...(await tensorToFrames(y)));
                y.dispose();
              }
              recon[`${templates}/${split}`] = scoreSet(v, rec, c.condFrames, nets, c.detector);
            }
          }
        });
      } finally {
        ae.dispose();
      }
      return toJson<TcVaeResult>({ meta: { reconMse: meta.reconMse, scale: meta.scale, steps: c.vae.train.steps }, recon });
    },
  };
}

/** The cache key of a train unit (also part of its evaluation's). */
export function trainKey(c: TemplateCoverageConfig, templates: number, seed: number, vae: Unit | undefined): Json {
  return {
    templates, seed, perTemplate: c.perTemplate, ...clipKey(c), preset: c.preset, patch: c.patch, train: trainConfigKey(c.train),
    ...(vae ? { vae: { key: vae.key, version: vae.version } } : {}),
  };
}

/** Unit `train/t<templates>/s<seed>`: the DiT on `perTemplate` clips of each template of the set, drawn by `seed` (resumes from its checkpoint). */
export function tcTrainUnit(c: TemplateCoverageConfig, templates: number, seed: number, vae: Unit | undefined): Unit {
  const id = `train/t${templates}/s${seed}`;
  return {
    id,
    key: trainKey(c, templates, seed, vae),
    version: 'tc-train-v1',
    cost: trainCost(c.train, c.preset),
    schema: TRAIN_RESULT,
    deps: vae ? [vae.id] : undefined,
    describe: () => describeTraining({ preset: c.preset, clip: c, train: c.train, model: { patch: c.patch }, latent: vae ? { factor: vaeFactor(c.vae.model), channels: c.vae.model.latentChannels } : 'pixel' }),
    run: async (ctx: UnitContext) => {
      ctx.progress.status(`${id}: simulating ${templates * c.perTemplate} training clips`);
      const vids = trainVideos(c, templates, seed);
      const source = videoSource(vids, `${id} n=${vids.length}`);
      const config = ditRunConfig({
        preset: c.preset, frameShape: source.frameShape, seed, train: c.train, model: { patch: c.patch },
        autoencoder: vae ? { kind: 'vae', weights: vaeDir(ctx.depDirs[vae.id]) } : undefined,
      });
      ctx.progress.status(`training ${id}`);
      const t0 = Date.now();
      const trainer = await trainDiT({ config, source, checkpointDir: join(ctx.dir, 'checkpoint'), logFile: join(ctx.dir, 'train-log.jsonl'), progress: true });
      const result: TrainResult = { steps: trainer.step, finalLoss: trainer.lastLoss, seconds: (Date.now() - t0) / 1000, stepSeconds: stepSecondsOf(join(ctx.dir, 'train-log.jsonl')), params: trainer.model.numParams() };
      trainer.dispose();
      return toJson(result);
    },
  };
}

/** Unit `eval/t<templates>/s<seed>`: generations from the first frame of every evaluation clip, scored; a few out-of-template generations kept for filmstrips. */
export function tcEvalUnit(c: TemplateCoverageConfig, templates: number, seed: number, vae: Unit | undefined): Unit {
  const tag = `t${templates}/s${seed}`;
  return {
    id: `eval/${tag}`,
    key: { train: trainKey(c, templates, seed, vae), ...evalKey(c), sampleSteps: c.sampleSteps, examples: c.examples },
    version: 'tc-eval-v1',
    deps: [`train/${tag}`, 'features'],
    cost: c.sampleSteps * (c.inCount + c.outCount) * 0.2,
    schema: TC_EVAL,
    run: async (ctx) => {
      const out: Partial<TcEvalResult> = {};
      await withNets(c, async (nets) => {
        await withTrainedModel(ctx.depDirs[`train/${tag}`], { condFrames: c.condFrames, seed, steps: c.sampleSteps }, async (generate) => {
          for (const split of SPLITS) {
            const v = evalVideos(c, templates, split);
            const gen: Uint8Array[] = [];
            for (let i = 0; i < v.length; i += 50) {
              ctx.progress.status(`sampling ${tag} ${split} ${i}/${v.length}`);
              gen.push(...(await generate(v.slice(i, i + 50))));
            }
            const s = scoreSet(v, gen, c.condFrames, nets, c.detector);
            const keep = split === 'out-of-template' ? c.examples : Math.min(1, c.examples);
            out[split] = { ...s, examples: gen.slice(0, keep).map((g, i) => ({ index: i, generated: toB64(g), truth: toB64(v[i].frames) })) };
          }
        });
      });
      return toJson(out);
    },
  };
}
