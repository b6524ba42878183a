/**
 * Ask a shipped uniform-motion model (direction-flip, velocity-gap) a question its notebook did
 * not: condition it on a ball at any speed and radius and read the generated velocity (issue #25).
 *
 * Everything is the experiment's own code: the conditioning video is the simulator's uniform-motion
 * clip built by `uniformData` (the eval's dataset config, with the speed and radius bands narrowed
 * to the asked values, moving right), the model conditions on its first `condFrames` frames and
 * samples with the eval's DDIM steps and noise seed (1000 + training seed; video k uses noise stream
 * k), and the generation is scored by `evalRecords` (signed velocity and ball integrity, the same
 * parser). The clip's placement (x, y) comes from the experiment's data seed and the query's index.
 */
import type { Band } from '../../data/bands';
import { makeVideo, resolvedIdRanges, VideoSample } from '../../data/index';
import { MAX_RADIUS, MAX_SPEED } from '../../data/dataset-config';
import { ConfigError } from '../../config/profile';
import type { RegistryModel } from '../../sample/model-registry';
import { generateFrom } from '../dit/dit-units';
import { CaseMatchingBase, evalRecords, EvalRecord, inBands, uniformData } from '../case-matching/units';

/** Experiments whose models condition on uniform-motion clips. */
export const UNIFORM_EXPERIMENTS = ['direction-flip', 'velocity-gap'];

/** Allowed conditioning speed (u/s, moving right) and radius (world units): the simulator's dataset limits. */
export const ASK_VELOCITY: Band = [0, MAX_SPEED];
export const ASK_RADIUS: Band = [0, MAX_RADIUS];

export interface UniformQuery {
  /** Conditioning speed, u/s (moving right), in (0, 20]. */
  velocity: number;
  /** Ball radius (world units), in (0, 4]. Default: drawn from the model's training radius range as the eval draws it. */
  radius?: number;
}

export interface UniformAnswer extends EvalRecord {
  /** The conditioning speed lies in the model's training speed bands / its radius in the training radius bands. */
  velocityInTraining: boolean;
  radiusInTraining: boolean;
  /** The simulated clip (truth) and the generated one, (T, H, W, 3) uint8 each. */
  truth: Uint8Array;
  generated: Uint8Array;
  frameShape: [number, number, number, number];
}

/** The case-matching config a uniform-motion model was trained and evaluated with (from its card). */
export function uniformConfigOf(m: Pick<RegistryModel, 'card'>): CaseMatchingBase {
  if (!UNIFORM_EXPERIMENTS.includes(m.card.experiment)) {
    throw new ConfigError(`model ${m.card.name} is from experiment '${m.card.experiment}'; asking by velocity and radius works for the uniform-motion models of ${UNIFORM_EXPERIMENTS.join(', ')}`);
  }
  return m.card.experimentConfig as unknown as CaseMatchingBase;
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

/** The conditioning clip of a query: the eval's dataset config with its bands narrowed to the query, video `index` of the experiment's data seed. */
export function queryVideo(c: CaseMatchingBase, q: UniformQuery, index = 0): VideoSample {
  checkQuery(q);
  const cfg = uniformData(c, 'id', index + 1, [[q.velocity, q.velocity]], 'right');
  return makeVideo(q.radius === undefined ? cfg : { ...cfg, radius: [[q.radius, q.radius]] }, c.dataSeed, index);
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
  const c = uniformConfigOf(m);
  const videos = queries.map((q, k) => queryVideo(c, q, k));
  const gen = await generateLike(m, videos, opts);
  const recs = evalRecords(c, videos, gen);
  const trainV = (m.card.trainedOn.velocity as Band[] | undefined) ?? [];
  const trainR = (m.card.trainedOn.radius as Band[] | undefined) ?? resolvedIdRanges(uniformData(c, 'train', 1, [[1, 1]], 'right')).radius;
  return recs.map((r, k) => ({
    ...r,
    velocityInTraining: inBands(Math.abs(r.conditionVelocity), trainV),
    radiusInTraining: inBands(r.radius, trainR),
    truth: videos[k].frames,
    generated: gen[k],
    frameShape: videos[k].frameShape,
  }));
}
