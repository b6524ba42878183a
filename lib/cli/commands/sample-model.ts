/**
 * `phylab sample --model <name> --velocity V[,V…] [--radius R] [--seed S] [--out DIR]`: ask a
 * shipped uniform-motion model (direction-flip, velocity-gap, id-ood uniform) (data/models/, lib/sample/model-registry.ts) what it generates for a
 * ball at the given speed (lib/experiments/models/ask-uniform.ts), print generated vs true velocity,
 * and write a filmstrip PNG and a GIF (truth above, generated below) per query, and answers.json.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { OptionSpec, ParsedArgs, UsageError } from '../args';
import { ConfigError } from '../../config/profile';
import { encodeGif } from '../../render/gif';
import { truthOverGenerated } from '../../experiments/case-matching/units';
import { askUniform, ASK_RADIUS, ASK_VELOCITY, checkQuery, UniformAnswer, UniformQuery } from '../../experiments/models/ask-uniform';
import { defaultModelsRoot, listModels, loadModel, RegistryModel, reproductionFile } from '../../sample/model-registry';
import { writeRunInfo } from '../../runtime/provenance';
import { initDitBackend } from './train';

/** The options `phylab sample` takes for a shipped model. */
export const MODEL_OPTIONS: ReadonlyArray<OptionSpec> = [
  { name: 'model', type: 'string', help: 'a shipped model, e.g. direction-flip/quick/set-1-s1 (phylab models list)' },
  { name: 'velocity', type: 'list', help: `with --model: conditioning speeds, u/s, comma-separated, each in (${ASK_VELOCITY[0]}, ${ASK_VELOCITY[1]}] (the ball moves right)` },
  { name: 'radius', type: 'number', help: `with --model: ball radius in (${ASK_RADIUS[0]}, ${ASK_RADIUS[1]}] world units (default: drawn from the training radii as the evaluation draws it)` },
];

/** The --velocity list as numbers (UsageError naming the flag and its range). */
function velocities(raw: unknown): number[] {
  if (raw === undefined) throw new UsageError(`--model needs --velocity <u/s>[,<u/s>…], each in (${ASK_VELOCITY[0]}, ${ASK_VELOCITY[1]}]`);
  const items = (raw as Array<string | number>).map(String);
  return items.map((s) => {
    const v = Number(s);
    if (!/^[0-9]*\.?[0-9]+$/.test(s) || !(v > ASK_VELOCITY[0] && v <= ASK_VELOCITY[1])) throw new UsageError(`--velocity must be speeds in (${ASK_VELOCITY[0]}, ${ASK_VELOCITY[1]}] u/s (the ball moves right), got '${s}'`);
    return v;
  });
}

const sign = (v: number | null, d = 2) => (v === null ? 'none' : `${v >= 0 ? '+' : ''}${v.toFixed(d)}`);
const bandsText = (b: unknown) => (Array.isArray(b) ? (b as Array<[number, number]>).map(([lo, hi]) => `${lo}–${hi}`).join(', ') : 'n/a');

/** A shipped model's reproduction record (`data/models/<name>.reproduction.json`, scripts/reproduce-id-ood-model.ts): whether re-evaluating it gives its eval unit's numbers exactly, and if not, how many videos do and by how much the others differ. */
export interface Reproduction {
  exact: boolean;
  file: string;
  /** Videos re-evaluated over all sets, and how many gave exactly the recorded numbers. */
  videos: number;
  identical: number;
  /** The largest per-video change of the parsed velocity (u/s) over all sets. */
  maxVelocityChange: number;
}

/** The reproduction record beside model `name` in registry `root`, or null when there is none. */
export function readReproduction(name: string, root: string): Reproduction | null {
  const file = reproductionFile(name, root);
  if (!existsSync(file)) return null;
  const rec = JSON.parse(readFileSync(file, 'utf8')) as { exact?: unknown; sets?: Array<{ videos?: number; videosIdentical?: number; maxVelocityChange?: number }> };
  const sets = Array.isArray(rec.sets) ? rec.sets : [];
  return {
    exact: rec.exact === true,
    file: relative(process.cwd(), file) || file,
    videos: sets.reduce((a, x) => a + (x.videos ?? 0), 0),
    identical: sets.reduce((a, x) => a + (x.videosIdentical ?? 0), 0),
    maxVelocityChange: sets.reduce((a, x) => Math.max(a, x.maxVelocityChange ?? 0), 0),
  };
}

/** What a reproduction record found, as the answers table's header says it. */
export function reproductionText(r: Reproduction | null): string {
  if (r === null) return 'not checked against that evaluation';
  if (r.exact) return `re-evaluated, it gives that evaluation exactly, every video (${r.file})`;
  return `not bit-identical: re-evaluated, ${r.identical} of ${r.videos} videos give that evaluation exactly, the others differ by at most ${r.maxVelocityChange.toFixed(4)} u/s (${r.file})`;
}

/** The table printed for the answers. */
export function answersTable(m: RegistryModel, answers: UniformAnswer[], reproduction: Reproduction | null = null): string {
  const t = m.card.trainedOn;
  const head = `${m.card.name}: ${m.card.description}\n  trained on speeds ${bandsText(t.velocity)} u/s (${String(t.direction)}), radii ${bandsText(t.radius)}; ${m.card.steps} steps, seed ${m.card.seed}; sampled with ${m.card.sampling.steps} DDIM steps`;
  const n = m.card.numbers;
  const ck = m.card.checkpoint;
  const check = reproductionText(reproduction);
  const retrained = ck?.commit && m.card.unit.commit && ck.commit !== m.card.unit.commit ? ` (of the unit trained at commit ${m.card.unit.commit}; this checkpoint is a retrain at commit ${ck.commit}, ${check})` : '';
  const evalLine = typeof n.id === 'number' ? `\n  its evaluation (shipped summary): ID error ${n.id.toFixed(3)} u/s${typeof n.ood === 'number' ? `, OOD ${n.ood.toFixed(3)} u/s` : ''}${retrained}` : '';
  // case-matching judges the generated ball (intact or broken); id-ood scores a velocity error
  const scored = answers.some((a) => a.velocityError !== null);
  const cols = ['velocity u/s', 'radius', 'generated u/s', 'truth parsed u/s', scored ? 'error u/s' : 'ball', 'in training range'];
  const rows = answers.map((a) => [
    a.conditionVelocity.toFixed(2), a.radius.toFixed(2), sign(a.generatedVelocity), sign(a.truthVelocity),
    scored ? (a.velocityError === null ? 'none' : a.velocityError.toFixed(2)) : a.intact === null ? 'n/a' : a.intact ? 'intact' : 'broken',
    a.velocityInTraining && a.radiusInTraining ? 'yes' : `no (${[!a.velocityInTraining ? 'speed' : '', !a.radiusInTraining ? 'radius' : ''].filter(Boolean).join(', ')})`,
  ]);
  const w = cols.map((c, i) => Math.max(c.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) => '  ' + r.map((x, i) => x.padStart(w[i])).join('  ');
  return [head + evalLine, line(cols), ...rows.map(line)].join('\n');
}

/** Truth above generated, per frame, as a GIF (×`scale`, gap rows grey). */
function truthOverGeneratedGif(a: UniformAnswer, scale = 4): Uint8Array {
  const [T, H, W] = a.frameShape;
  const gap = 1;
  const h = (2 * H + gap) * scale;
  const w = W * scale;
  const out = new Uint8Array(T * h * w * 3).fill(160);
  for (let t = 0; t < T; t++) {
    for (const [k, clip] of [[0, a.truth], [1, a.generated]] as const) {
      for (let y = 0; y < H * scale; y++) {
        for (let x = 0; x < w; x++) {
          const src = ((t * H + Math.floor(y / scale)) * W + Math.floor(x / scale)) * 3;
          const dst = ((t * h + k * (H + gap) * scale + y) * w + x) * 3;
          out[dst] = clip[src];
          out[dst + 1] = clip[src + 1];
          out[dst + 2] = clip[src + 2];
        }
      }
    }
  }
  return encodeGif(out, T, h, w);
}

export async function runModelQuery(args: ParsedArgs): Promise<number> {
  const o = args.options;
  const name = String(o.model);
  for (const f of ['checkpoint', 'cond', 'split', 'count', 'preset', 'cond-frames', 'sampler']) if (o[f] !== undefined && !(f === 'split' && o[f] === 'id') && !(f === 'count' && o[f] === 8)) throw new UsageError(`--${f} does not apply to --model (a shipped model is conditioned on simulated balls at --velocity)`);
  if (Object.keys(args.overrides).length) throw new UsageError(`--model takes no config overrides (got --${Object.keys(args.overrides)[0]})`);
  const known = listModels();
  if (!known.includes(name)) {
    throw new UsageError(`--model: no shipped model '${name}'; allowed: ${known.length ? known.join(', ') : 'none (data/models is empty)'}`);
  }
  const queries: UniformQuery[] = velocities(o.velocity).map((velocity) => ({ velocity, radius: o.radius as number | undefined }));
  try {
    queries.forEach(checkQuery);
  } catch (e) {
    throw new UsageError(`--${(e as Error).message}`);
  }
  await initDitBackend();
  const m = loadModel(name);
  try {
    const seed = (o.seed as number | undefined) ?? m.card.sampling.seed;
    const answers = await askUniform(m, queries, { seed, steps: o.steps as number | undefined });
    const out = resolve(String(o.out ?? join('out', 'ask', name)));
    mkdirSync(out, { recursive: true });
    const files = answers.map((a, k) => {
      const base = `${String(k).padStart(2, '0')}-v${a.conditionVelocity.toFixed(2)}-r${a.radius.toFixed(2)}`;
      writeFileSync(join(out, `${base}.png`), truthOverGenerated(a.truth, a.generated, a.frameShape[0], a.frameShape[1]));
      writeFileSync(join(out, `${base}.gif`), truthOverGeneratedGif(a));
      return base;
    });
    writeFileSync(join(out, 'answers.json'), JSON.stringify({
      model: name, seed, steps: (o.steps as number | undefined) ?? m.card.sampling.steps,
      answers: answers.map((a, k) => ({ file: files[k], conditionVelocity: a.conditionVelocity, radius: a.radius, generatedVelocity: a.generatedVelocity, truthVelocity: a.truthVelocity, intact: a.intact, minRadiusRatio: a.minRadiusRatio, maxRadiusRatio: a.maxRadiusRatio, velocityError: a.velocityError, velocityInTraining: a.velocityInTraining, radiusInTraining: a.radiusInTraining })),
    }, null, 1) + '\n');
    writeRunInfo(out, { model: name, velocity: queries.map((q) => q.velocity), radius: o.radius ?? null, steps: o.steps ?? null }, seed, { command: 'sample --model' });
    process.stdout.write(answersTable(m, answers, readReproduction(name, defaultModelsRoot())) + '\n');
    process.stdout.write(`filmstrips (truth above, generated below): ${out}/NN-v<velocity>-r<radius>.png and .gif; answers.json\n`);
    return 0;
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(e.message);
    throw e;
  } finally {
    m.model.dispose();
    m.autoencoder.dispose();
  }
}
