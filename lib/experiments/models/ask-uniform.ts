/**
 * Ask a shipped uniform-motion model (direction-flip, velocity-gap, id-ood's uniform cells) a
 * question its notebook did not: condition it on a ball at any speed and radius and read the
 * generated velocity (issue #25).
 *
 * Everything is the experiment's own code, chosen by the card's experiment (`FAMILIES`): the
 * conditioning video is the simulator's uniform-motion clip of the experiment's evaluation dataset
 * config (case-matching: `uniformData`; id-ood: `dataConfig` of its ID set) with the speed and
 * radius bands narrowed to the asked values (moving right); the model conditions on its first
 * `condFrames` frames and samples with the eval's DDIM steps and noise seed (1000 + training seed;
 * video k uses noise stream k), and the generation is scored by the experiment's parser
 * (case-matching: `evalRecords`, signed velocity and ball integrity; id-ood: `score`, the mean
 * parsed velocity and the velocity error over the frames where the true ball is fully in view).
 * The clip's placement (x, y) comes from the experiment's data seed and the query's index.
 */
import type { Band } from '../../data/bands';
import { DatasetConfig, makeVideo, resolvedIdRanges, VideoSample } from '../../data/index';
import { MAX_RADIUS, MAX_SPEED } from '../../data/dataset-config';
import { ConfigError } from '../../config/profile';
import type { ModelCard, RegistryModel } from '../../sample/model-registry';
import { generateFrom } from '../dit/dit-units';
import { CaseMatchingBase, evalRecords, inBands, uniformData } from '../case-matching/units';
import { dataConfig } from '../id-ood/config';
import { CASE_MATCHING_CARD_CONFIG, configOf, ID_OOD_CARD_CONFIG } from './card-config';
import { score as idOodScore } from '../id-ood/eval';

/** Allowed conditioning speed (u/s, moving right) and radius (world units): the simulator's dataset limits. */
export const ASK_VELOCITY: Band = [0, MAX_SPEED];
export const ASK_RADIUS: Band = [0, MAX_RADIUS];

export interface UniformQuery {
  /** Conditioning speed, u/s (moving right), in (0, 20]. */
  velocity: number;
  /** Ball radius (world units), in (0, 4]. Default: drawn from the model's training radius range as the eval draws it. */
  radius?: number;
}

/** One answer: the conditioning clip, the generation, and what the experiment's parser reads in both. */
export interface UniformAnswer {
  /** Query k: video k of the experiment's data seed, noise stream k. */
  index: number;
  /** Ground-truth velocity (u/s, signed) and radius of the conditioning ball. */
  conditionVelocity: number;
  radius: number;
  /**
   * Generated velocity (u/s): case-matching's signed mean over the generated frames; id-ood's mean
   * parsed x-velocity over the steps its velocity error scores. null: no usable frame pair.
   */
  generatedVelocity: number | null;
  /** The same parser on the simulated clip (its floor). */
  truthVelocity: number | null;
  /** Case-matching's ball integrity check (null where the experiment's parser has none: id-ood). */
  intact: boolean | null;
  minRadiusRatio: number | null;
  maxRadiusRatio: number | null;
  /** id-ood's per-video velocity error (u/s, the number its summary averages); null for case matching. */
  velocityError: number | null;
  /** The conditioning speed lies in the model's training speed bands / its radius in the training radius bands. */
  velocityInTraining: boolean;
  radiusInTraining: boolean;
  /** The simulated clip (truth) and the generated one, (T, H, W, 3) uint8 each. */
  truth: Uint8Array;
  generated: Uint8Array;
  frameShape: [number, number, number, number];
}

/** What a family's parser reads in one generation (the answer without the training-range flags and clips). */
type Scored = Omit<UniformAnswer, 'velocityInTraining' | 'radiusInTraining' | 'truth' | 'generated' | 'frameShape'>;

/** How an experiment family conditions and scores a query: its evaluation's dataset config and its parser. */
interface Family {
  experiments: string[];
  /** The dataset config of query `q` (the eval's, speed and radius narrowed, moving right; `count` videos) and its seed. */
  queryData(card: ModelCard, q: UniformQuery, count: number): { data: DatasetConfig; seed: number };
  /** Scores generated clips against their conditioning videos with the experiment's parser. */
  score(card: ModelCard, videos: VideoSample[], gen: Uint8Array[]): Scored[];
  /** The training radius bands when the card records none. */
  trainRadius(card: ModelCard): Band[];
}

/** direction-flip and velocity-gap: case-matching's uniform data and signed-velocity parser. */
const CASE_MATCHING: Family = {
  experiments: ['direction-flip', 'velocity-gap'],
  queryData(card, q, count) {
    const c = configOf(card, CASE_MATCHING_CARD_CONFIG);
    const data = uniformData(c, 'id', count, [[q.velocity, q.velocity]], 'right');
    return { data: q.radius === undefined ? data : { ...data, radius: [[q.radius, q.radius]] }, seed: c.dataSeed };
  },
  score(card, videos, gen) {
    return evalRecords(configOf(card, CASE_MATCHING_CARD_CONFIG), videos, gen).map((r) => ({
      index: r.index, conditionVelocity: r.conditionVelocity, radius: r.radius, generatedVelocity: r.generatedVelocity, truthVelocity: r.truthVelocity,
      intact: r.intact, minRadiusRatio: r.minRadiusRatio, maxRadiusRatio: r.maxRadiusRatio, velocityError: null,
    }));
  },
  trainRadius: (card) => resolvedIdRanges(uniformData(configOf(card, CASE_MATCHING_CARD_CONFIG), 'train', 1, [[1, 1]], 'right')).radius,
};

/** id-ood's uniform cells: its ID evaluation set's dataset config and its velocity-error parser (`score`). */
const ID_OOD: Family = {
  experiments: ['id-ood'],
  queryData(card, q, count) {
    if (card.trainedOn.scenario !== 'uniform') throw new ConfigError(`model ${card.name} was trained on ${String(card.trainedOn.scenario)} clips; asking by velocity and radius works for uniform-motion models`);
    const c = configOf(card, ID_OOD_CARD_CONFIG);
    const data = { ...dataConfig(c, 'uniform', 'id', count), velocity: [[q.velocity, q.velocity]] as Band[] };
    return { data: q.radius === undefined ? data : { ...data, radius: [[q.radius, q.radius]] }, seed: c.dataSeed };
  },
  score(card, videos, gen) {
    const c = configOf(card, ID_OOD_CARD_CONFIG);
    const g = idOodScore(c, 'uniform', videos, gen).videos;
    const t = idOodScore(c, 'uniform', videos, videos.map((v) => v.frames)).videos;
    return videos.map((v, i) => ({
      index: v.index, conditionVelocity: v.states[2], radius: v.objects[0].radius, generatedVelocity: g[i].meanVx[0], truthVelocity: t[i].meanVx[0],
      intact: null, minRadiusRatio: null, maxRadiusRatio: null, velocityError: g[i].error,
    }));
  },
  trainRadius: (card) => resolvedIdRanges(dataConfig(configOf(card, ID_OOD_CARD_CONFIG), 'uniform', 'train', 1)).radius,
};

const FAMILIES: ReadonlyArray<Family> = [CASE_MATCHING, ID_OOD];

/** Experiments whose models can be asked by velocity and radius. */
export const UNIFORM_EXPERIMENTS = FAMILIES.flatMap((f) => f.experiments);

function familyOf(card: ModelCard): Family {
  const f = FAMILIES.find((x) => x.experiments.includes(card.experiment));
  if (!f) throw new ConfigError(`model ${card.name} is from experiment '${card.experiment}'; asking by velocity and radius works for the uniform-motion models of ${UNIFORM_EXPERIMENTS.join(', ')}`);
  return f;
}

/** The case-matching config a uniform-motion model was trained and evaluated with (from its card). */
export function uniformConfigOf(m: Pick<RegistryModel, 'card'>): CaseMatchingBase {
  if (!CASE_MATCHING.experiments.includes(m.card.experiment)) {
    throw new ConfigError(`model ${m.card.name} is from experiment '${m.card.experiment}'; a case-matching config belongs to the models of ${CASE_MATCHING.experiments.join(', ')}`);
  }
  return configOf(m.card, CASE_MATCHING_CARD_CONFIG);
}

/** Checks a query's values (ConfigError naming the parameter and the allowed range). */
export function checkQuery(q: UniformQuery): void {
  if (!(typeof q.velocity === 'number' && q.velocity > ASK_VELOCITY[0] && q.velocity <= ASK_VELOCITY[1])) {
    throw new ConfigError(`velocity must be in (${ASK_VELOCITY[0]}, ${ASK_VELOCITY[1]}] u/s (the ball moves right; the simulator's speed limit), got ${q.velocity}`);
  }
  if (q.radius !== undefined && !(typeof q.radius === 'number' && q.radius > ASK_RADIUS[0] && q.radius <= ASK_RADIUS[1])) {
    throw new ConfigError(`radius must be in (${ASK_RADIUS[0]}, ${ASK_RADIUS[1]}] world units (the simulator's radius limit), got ${q.radius}`);
  }
}

/** The conditioning clip of a query: the eval's dataset config of the model's experiment with its bands narrowed to the query, video `index` of the experiment's data seed. */
export function queryVideo(m: Pick<RegistryModel, 'card'>, q: UniformQuery, index = 0): VideoSample {
  checkQuery(q);
  const { data, seed } = familyOf(m.card).queryData(m.card, q, index + 1);
  return makeVideo(data, seed, index);
}

/**
 * Generate from each video's first `condFrames` frames as the experiment's evaluation does
 * (generateFrom in lib/experiments/dit/dit-units.ts, as withTrainedModel): noise seed `seed` (default the card's,
 * 1000 + training seed), video k of the list on noise stream k, the card's DDIM steps and batch.
 */
export function generateLike(m: RegistryModel, videos: VideoSample[], opts: { seed?: number; steps?: number; batchSize?: number } = {}): Promise<Uint8Array[]> {
  const s = m.card.sampling;
  return generateFrom(m, videos, { condFrames: s.condFrames, noiseSeed: opts.seed ?? s.seed, steps: opts.steps ?? s.steps, batchSize: opts.batchSize ?? s.batchSize });
}

/** Ask the model: one generation per query (query k is video k of the data seed, noise stream k), scored by the experiment's parser. */
export async function askUniform(m: RegistryModel, queries: UniformQuery[], opts: { seed?: number; steps?: number } = {}): Promise<UniformAnswer[]> {
  const family = familyOf(m.card);
  const videos = queries.map((q, k) => queryVideo(m, q, k));
  const gen = await generateLike(m, videos, opts);
  const recs = family.score(m.card, videos, gen);
  const trainV = (m.card.trainedOn.velocity as Band[] | undefined) ?? [];
  const trainR = (m.card.trainedOn.radius as Band[] | undefined) ?? family.trainRadius(m.card);
  return recs.map((r, k) => ({
    ...r,
    velocityInTraining: inBands(Math.abs(r.conditionVelocity), trainV),
    radiusInTraining: inBands(r.radius, trainR),
    truth: videos[k].frames,
    generated: gen[k],
    frameShape: videos[k].frameShape,
  }));
}
