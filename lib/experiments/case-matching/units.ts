/**
 * Pieces shared by the case-matching experiments `direction-flip` and `velocity-gap` (paper §5.1–
 * 5.2, findings.md §3): uniform-motion data with custom speed bands and directions, the train
 * unit (lib/experiments/dit/dit-units.ts with this family's key), sampling from a trained unit, and the *signed*
 * velocity of a generated clip from the pixel parser.
 *
 * Signed velocity (what the paper plots in Fig 5 and Fig 7): the ball is parsed in every frame
 * (lib/metrics/parse-state.ts); over the generated frames t ≥ c (c conditioning frames, skipped as
 * in the paper's evaluation code) the forward differences (x[t+1] − x[t]) / 0.1 s are averaged over
 * the pairs of consecutive frames where the ball is found in both and lies fully inside the world
 * by its parsed centre ± the true radius (a ball cut by the image border has a biased centroid).
 * Unlike the velocity *error* there is no ground-truth frame filter: a generated ball that turns
 * around is measured where it is, not where the truth is. No usable pair: NaN (ball vanished).
 *
 * Ball integrity (an automatic "abnormal video" check, findings.md §2): a generated ball can fade,
 * smear or break up, and the centroid of such debris moves in any direction. A generation counts as
 * *intact* when, in every generated frame with the ball in view, its apparent radius (√(area/π) of
 * the parser's mask or coverage) is within 0.5–1.5x the true radius (the truth stays within
 * 0.94–1.02 at 16 px), and the ball never disappears from deep inside the view. Reports count flips
 * and speed shifts among intact generations and show the others apart.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Band } from '../../data/bands';
import type { Profile } from '../../config/profile';
import { DatasetConfig, defaultDatasetConfig, makeVideo, VideoSample } from '../../data/index';
import { parseVideo, defaultParserConfig, ParserConfig } from '../../metrics/parse-state';
import { encodePng, filmstrip } from '../../render/png';
import { WORLD_SIZE } from '../../sim/constants';
import { PROFILE_PRESETS } from '../../model/presets';
import { defaultVaeConfig, VaeConfig } from '../../model/vae';
import { defaultVaeTrainConfig, VaeTrainConfig } from '../../train/vae-trainer';
import { CLIP_PROFILES, ClipSettings } from '../dit/clip-settings';
import { ProfileTable, resolveProfile } from '../../config/profile-table';
import { BEST_RECIPE } from '../dit/recipe';
import { trainUnit, vaeTrainFields, withTrainedModel } from '../dit/dit-units';
import type { Json, Unit } from '../core/experiment';
import { CASE_EVAL } from '../core/unit-schemas';
import { caseVaeUnit, CASE_VAE_STEPS, CASE_VAE_CHANNELS, vaeWeightsDir, VelocityFloor } from './vae';
import { JsonCompatible, resultKind, toJson } from '../core/unit-results';
import { datasetKey } from '../dit/dataset-key';
import { trainConfigKey } from '../dit/train-key';

/** The settings both case-matching experiments share (each adds its own sets). */
export interface CaseMatchingBase extends ClipSettings {
  /** Model preset (lib/model/presets.ts). quick 'q64', smoke 'tiny'. */
  preset: string;
  /** Training videos per training set. quick 4096, smoke 32. */
  dataSize: number;
  /** Conditioning videos evaluated per trained model. quick 128, smoke 8. */
  evalCount: number;
  /**
   * What the models diffuse. 'vae' (every profile; smoke and quick since 2026-12-05, paper since
   * 2026-12-06): the latents of a frame VAE trained once per experiment (unit `vae/uniform`,
   * ./vae.ts), with `patch` (quick 1×2×2 on its 4×4 latents: 32 tokens), as id-ood does; 'pixel'
   * (the shipped results before 2026-12-05): the pixels with the preset's patch (128 tokens at 16 px). id-ood measured (q64,
   * 4096 uniform videos, 6000 steps): pixels ID 0.41 u/s in 15 min, VAE latents 0.17 u/s in 5 min.
   */
  latent: 'pixel' | 'vae';
  /** The frame VAE (latent 'vae'): architecture (quick 8 latent channels, spatial factor 4; paper 4 channels, factor 8) and training (quick 30000 steps, smoke 60). */
  vae: { model: VaeConfig; train: VaeTrainConfig };
  /**
   * The DiT's spacetime patch [frames, rows, cols] on the VAE latents (latent 'vae'; pixels use the
   * preset's). Default 1×2×2 (quick: 4×4 latent frames, 32 tokens for 8 frames); paper 4×2×2 on the
   * 8×-VAE's 16×16 latents of 32 frames: the paper's 512 tokens, as id-ood's paper profile.
   */
  patch: [number, number, number];
}

/**
 * The settings both case-matching experiments share, per profile, stated once over the shared clip
 * settings (CLIP_PROFILES); each experiment extends this table. quick: like id-ood's clip and q64,
 * trained 6000 steps with the best measured recipe (lib/experiments/dit/recipe.ts).
 */
export const CASE_MATCHING_PROFILES: ProfileTable<CaseMatchingBase> = {
  default: {
    preset: 'q64',
    dataSize: 4096,
    ...CLIP_PROFILES.default,
    evalCount: 128,
    latent: 'vae',
    vae: { model: { ...defaultVaeConfig(), latentChannels: CASE_VAE_CHANNELS }, train: { ...defaultVaeTrainConfig('quick'), steps: CASE_VAE_STEPS } },
    patch: [1, 2, 2],
  },
  smoke: { preset: PROFILE_PRESETS.smoke[0], dataSize: 32, evalCount: 8, vae: { train: { steps: 60 } } },
  quick: { train: { ...BEST_RECIPE, steps: 6000 } },
  // DiT-B on the latents of an 8×-spatial 4-channel frame VAE with 4×2×2 patches: the paper's 512 tokens and Tab 1's
  // parameters (the assumption id-ood's paper profile states: the paper's VAE factors and patch are not published)
  paper: { preset: 'DiT-B', dataSize: 300_000, evalCount: 1000, vae: { model: { patches: [4, 2], latentChannels: 4 } }, patch: [4, 2, 2] },
};

/** Settings of a profile shared by both case-matching experiments (CASE_MATCHING_PROFILES resolved). */
export function caseMatchingBase(profile: Profile): CaseMatchingBase {
  return resolveProfile(CASE_MATCHING_PROFILES, profile, CLIP_PROFILES);
}

/** Uniform-motion dataset config with the given speed bands and direction (radius: the ID range). */
export function uniformData(c: CaseMatchingBase, split: 'train' | 'id', count: number, velocity: Band[], direction: 'right' | 'both'): DatasetConfig {
  return { ...defaultDatasetConfig('quick', 'uniform', split), frames: c.frames, size: c.size, count, velocity: velocity.map((b) => [b[0], b[1]] as Band), direction };
}

/** The evaluation videos: `evalCount` random draws (radius ID, speed in `velocity`), moving right. */
export function evalVideos(c: CaseMatchingBase, velocity: Band[]): VideoSample[] {
  const cfg = uniformData(c, 'id', c.evalCount, velocity, 'right');
  return Array.from({ length: c.evalCount }, (_, i) => makeVideo(cfg, c.dataSeed, i));
}

/** A clip's signed velocity and whether its ball stayed one intact ball (see module doc). */
export interface GenerationScore {
  /** Signed mean x-velocity over the generated frames (u/s); NaN when no usable frame pair. */
  velocity: number;
  /** Frame pairs it rests on. */
  steps: number;
  /** Smallest and largest apparent radius / true radius over the generated frames with the ball in view (null: never in view). */
  minRadiusRatio: number | null;
  maxRadiusRatio: number | null;
  /** The ball disappeared in a generated frame although one frame before it was deep inside the view. */
  vanishedInView: boolean;
  /** One ball of the right size throughout: ratios within [INTACT_RATIO_MIN, INTACT_RATIO_MAX] and no vanishing in view. */
  intact: boolean;
}

/** Apparent/true radius bounds of an intact ball (the ground truth stays within 0.94–1.02 at 16 px). */
export const INTACT_RATIO_MIN = 0.5;
export const INTACT_RATIO_MAX = 1.5;

/** Signed velocity (over `frameDt`, the video's own seconds per frame) and ball integrity of a clip over its generated frames t ≥ condFrames (see module doc). */
export function scoreGeneration(frames: Uint8Array, frameShape: ReadonlyArray<number>, radius: number, condFrames: number, centroid: ParserConfig['centroid'], frameDt: number): GenerationScore {
  if (!(frameDt > 0)) throw new Error(`scoreGeneration: frameDt must be > 0 seconds, got ${frameDt}`);
  const parsed = parseVideo(frames, frameShape, ['red'], [WORLD_SIZE], { ...defaultParserConfig(), centroid });
  const inside = (t: number, margin: number) =>
    parsed.present[t] === 1 && parsed.x[t] - margin >= 0 && parsed.x[t] + margin <= WORLD_SIZE && parsed.y[t] - margin >= 0 && parsed.y[t] + margin <= WORLD_SIZE;
  const inView = (t: number) => parsed.present[t] === 1 && parsed.x[t] - radius >= 0 && parsed.x[t] + radius <= WORLD_SIZE;
  let sum = 0;
  let steps = 0;
  for (let t = condFrames; t + 1 < parsed.frames; t++) {
    if (!inView(t) || !inView(t + 1)) continue;
    sum += (parsed.x[t + 1] - parsed.x[t]) / frameDt;
    steps++;
  }
  let lo = Infinity;
  let hi = -Infinity;
  let vanishedInView = false;
  for (let t = condFrames; t < parsed.frames; t++) {
    // deep inside: two radii from every border, farther than any ball here moves in one frame (≤ 0.7 u)
    if (parsed.present[t] === 0 && t > 0 && inside(t - 1, 2 * radius)) vanishedInView = true;
    if (!inside(t, radius)) continue;
    lo = Math.min(lo, parsed.r[t] / radius);
    hi = Math.max(hi, parsed.r[t] / radius);
  }
  const seen = Number.isFinite(lo);
  const intact = seen && !vanishedInView && lo >= INTACT_RATIO_MIN && hi <= INTACT_RATIO_MAX;
  return { velocity: steps > 0 ? sum / steps : NaN, steps, minRadiusRatio: seen ? lo : null, maxRadiusRatio: seen ? hi : null, vanishedInView, intact };
}

/** Signed mean generated velocity (u/s) and the number of frame pairs it rests on (see module doc). */
export function signedVelocity(frames: Uint8Array, frameShape: ReadonlyArray<number>, radius: number, condFrames: number, centroid: ParserConfig['centroid'], frameDt: number): { velocity: number; steps: number } {
  const s = scoreGeneration(frames, frameShape, radius, condFrames, centroid, frameDt);
  return { velocity: s.velocity, steps: s.steps };
}

/** Ground-truth signed x-velocity at frame 0 (speed × direction) and radius of a uniform video. */
export function truthOf(v: VideoSample): { velocity: number; radius: number } {
  return { velocity: v.states[2], radius: v.objects[0].radius }; // states (T, N, 4): x, y, vx, vy
}

/** Relative cost of an eval unit. */
export function evalCost(c: CaseMatchingBase): number {
  return c.sampleSteps * c.evalCount * 0.2;
}

/** What a train unit's result depends on (the VAE unit's identity when it diffuses latents). */
export function trainKey(c: CaseMatchingBase, data: DatasetConfig, seed: number, vae?: Unit): Json {
  const base: { [k: string]: Json } = { preset: c.preset, seed, dataSeed: c.dataSeed, data: datasetKey(data), train: trainConfigKey({ ...c.train, condFrames: [c.condFrames] }) };
  return vae ? { ...base, patch: c.patch, vae: { key: vae.key, version: vae.version } } : base;
}

/** What a case-matching cell needs to build its train and eval units. */
export interface CaseCell<R> {
  /** Cell tag, e.g. `Set-1/q64/s1`: units `train/<tag>` and `eval/<tag>`. */
  tag: string;
  /** Version of the train unit (e.g. 'direction-flip-train-v1') and of the eval unit. */
  versions: { train: string; eval: string };
  /** Training videos. */
  data: DatasetConfig;
  seed: number;
  /** What the eval result depends on besides the train key. */
  evalKey: { [k: string]: Json };
  /** Conditioning velocities of the evaluation videos (moving right). */
  evalVelocity: Band[];
  /** Turns the evaluation videos, their generations and records into the eval unit's result. */
  evaluate: (videos: VideoSample[], gen: Uint8Array[], records: EvalRecord[]) => R & JsonCompatible<R>;
  /** The frame VAE unit the model diffuses the latents of (latent 'vae'); absent: pixels. */
  vae?: Unit;
  /** A second evaluation `base/<tag>` on conditioning speeds `velocity` (e.g. held-out videos at the training speeds), version `version`. Default none. */
  baseline?: { velocity: Band[]; version: string };
}

/**
 * The two units of a case-matching cell: train the preset on `cell.data` (resumable from
 * `<unit dir>/checkpoint`), then generate from `evalCount` rightward conditioning videos and score
 * their signed velocities (generations kept in `<eval dir>/generated.u8`).
 */
export function caseUnits<R>(c: CaseMatchingBase, cell: CaseCell<R>): Unit[] {
  const vae = cell.vae;
  const key = trainKey(c, cell.data, cell.seed, vae);
  const train = trainUnit({
    id: `train/${cell.tag}`, key, version: cell.versions.train, preset: c.preset, seed: cell.seed, data: cell.data, dataSeed: c.dataSeed, train: { ...c.train, condFrames: [c.condFrames] },
    ...(vae ? vaeTrainFields(vae, c.vae.model, c.patch, vaeWeightsDir) : {}),
  });
  const evaluation: Unit = {
    id: `eval/${cell.tag}`,
    key: { train: key, ...cell.evalKey },
    version: cell.versions.eval,
    deps: [train.id],
    cost: evalCost(c),
    schema: CASE_EVAL,
    run: async (ctx) => {
      ctx.progress.status(`sampling ${cell.tag}`);
      const videos = evalVideos(c, cell.evalVelocity);
      const gen = await generate(c, ctx.depDirs[train.id], videos, cell.seed, ctx.dir);
      return toJson<R>(cell.evaluate(videos, gen, evalRecords(c, videos, gen)));
    },
  };
  if (!cell.baseline) return [train, evaluation];
  const b = cell.baseline;
  const baseline: Unit = {
    id: `base/${cell.tag}`,
    key: { train: key, sampleSteps: c.sampleSteps, evalCount: c.evalCount, velocity: b.velocity, condFrames: c.condFrames, parser: c.parser },
    version: b.version,
    deps: [train.id],
    cost: evalCost(c),
    schema: CASE_EVAL,
    run: async (ctx) => {
      ctx.progress.status(`sampling ${cell.tag} at its training speeds`);
      const videos = evalVideos(c, b.velocity);
      const gen = await generate(c, ctx.depDirs[train.id], videos, cell.seed, ctx.dir);
      return toJson({ videos: evalRecords(c, videos, gen) });
    },
  };
  return [train, evaluation, baseline];
}

/** Speeds of the frame VAE's training videos and of its floor videos (u/s): every speed the case-matching sets train or test on (velocity-gap tests 0.5–4.5). */
export const CASE_VAE_VELOCITY: Band[] = [[0.5, 4.5]];

/** The parser's signed-velocity error of `clips` against their videos' true velocity (generated frames t ≥ condFrames). */
export function velocityFloor(c: CaseMatchingBase, videos: VideoSample[], clips: Uint8Array[]): VelocityFloor {
  let sum = 0;
  let n = 0;
  videos.forEach((v, i) => {
    const t = truthOf(v);
    const s = signedVelocity(clips[i], v.frameShape, t.radius, c.condFrames, c.parser, v.frameDt);
    if (Number.isFinite(s.velocity)) {
      sum += Math.abs(s.velocity - t.velocity);
      n++;
    }
  });
  return { error: n > 0 ? sum / n : null, n };
}

/** The frame VAE unit `vae/uniform` of a case-matching experiment (latent 'vae'), else undefined. */
export function caseVae(c: CaseMatchingBase, version: string): Unit | undefined {
  if (c.latent !== 'vae') return undefined;
  const data = uniformData(c, 'train', c.dataSize, CASE_VAE_VELOCITY, 'both');
  return caseVaeUnit({
    key: { data: datasetKey(data), dataSeed: c.dataSeed, vae: toJson(c.vae), evalCount: c.evalCount, condFrames: c.condFrames, parser: c.parser },
    version,
    data,
    dataSeed: c.dataSeed,
    vae: c.vae,
    evalVideos: () => evalVideos(c, CASE_VAE_VELOCITY),
    floor: (videos, clips) => velocityFloor(c, videos, clips),
  });
}

/**
 * Generate from the first `condFrames` frames of each video with the EMA weights of a train unit
 * (folder `trainDir`; sampling noise seed 1000 + seed, as id-ood). Also writes the clips,
 * concatenated (N, T, H, W, 3) uint8, to `<dir>/generated.u8` for later inspection.
 */
export async function generate(c: CaseMatchingBase, trainDir: string, videos: VideoSample[], seed: number, dir: string): Promise<Uint8Array[]> {
  const gen = await withTrainedModel(trainDir, { condFrames: c.condFrames, seed, steps: c.sampleSteps }, (g) => g(videos));
  writeFileSync(join(dir, 'generated.u8'), Buffer.concat(gen.map((g) => Buffer.from(g.buffer, g.byteOffset, g.byteLength))));
  return gen;
}

/** A case-matching `eval/<tag>` result, typed (direction-flip's adds its examples). */
export const CASE_EVAL_RESULT = resultKind<{ videos: EvalRecord[] }>(CASE_EVAL);

/** One evaluated video: the record an eval unit stores per conditioning video. */
export interface EvalRecord {
  index: number;
  /** Ground-truth signed velocity (u/s) of the conditioning video. */
  conditionVelocity: number;
  /** Ball radius (world units). */
  radius: number;
  /** Signed generated velocity (u/s); null when the ball was not found in two consecutive frames. */
  generatedVelocity: number | null;
  /** The same parser on the ground-truth video (its floor). */
  truthVelocity: number | null;
  /** Frame pairs the generated velocity rests on. */
  steps: number;
  /** Generated ball: smallest and largest apparent/true radius in view (null: never in view). */
  minRadiusRatio: number | null;
  maxRadiusRatio: number | null;
  /** Generated ball stayed one ball of the right size (scoreGeneration); a broken one's velocity means little. */
  intact: boolean;
}

/** Score generated clips against their conditioning videos. */
export function evalRecords(c: CaseMatchingBase, videos: VideoSample[], gen: Uint8Array[]): EvalRecord[] {
  return videos.map((v, i) => {
    const t = truthOf(v);
    const g = scoreGeneration(gen[i], v.frameShape, t.radius, c.condFrames, c.parser, v.frameDt); // the generation has its conditioning video's frame interval
    const gt = signedVelocity(v.frames, v.frameShape, t.radius, c.condFrames, c.parser, v.frameDt);
    const r3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);
    return {
      index: v.index, conditionVelocity: t.velocity, radius: t.radius, generatedVelocity: Number.isFinite(g.velocity) ? g.velocity : null,
      truthVelocity: Number.isFinite(gt.velocity) ? gt.velocity : null, steps: g.steps, minRadiusRatio: r3(g.minRadiusRatio), maxRadiusRatio: r3(g.maxRadiusRatio), intact: g.intact,
    };
  });
}

/** PNG of the true clip (top) above the generated clip (bottom), frames left to right, ×`scale`. */
export function truthOverGenerated(truth: Uint8Array, gen: Uint8Array, frames: number, size: number, scale = 4): Buffer {
  const a = filmstrip(truth, frames, size, size, { scale });
  const b = filmstrip(gen, frames, size, size, { scale });
  const gap = 4;
  const rgb = new Uint8Array(a.rgb.length + b.rgb.length + a.width * 3 * gap).fill(160);
  rgb.set(a.rgb, 0);
  rgb.set(b.rgb, a.rgb.length + a.width * 3 * gap);
  return encodePng(rgb, a.height * 2 + gap, a.width);
}

/** Whether `v` lies in one of the bands. */
export function inBands(v: number, bands: ReadonlyArray<Band>): boolean {
  return bands.some(([lo, hi]) => v >= lo && v <= hi);
}
