/**
 * The 70 PHYRE-like templates of the paper (paper-spec §4.1): every 4-of-8 subset of the object
 * types, in the order of the paper's task ids. The original (phyworld combinatorial_data/data/
 * task_scripts/main/task100NN.py) lists `itertools.combinations(object_list, 4)`, keeps those with
 * a dynamic object (all 70), shuffles them with `random.Random(4)` and gives task `1000k` the
 * k-th entry. `TEMPLATES` is that list, computed with the same MT19937 + shuffle (python-random.ts).
 */
import { PythonRandom } from './python-random';
import { ConfigError } from '../../config/profile';

/** The 8 object types in the original's `object_list` order (type number = index + 1). */
export const OBJECT_TYPES = [
  'dynamic_ball_1',
  'dynamic_ball_2',
  'static_ball',
  'dynamic_bar',
  'dynamic_standing_bars',
  'static_bar',
  'dynamic_jar',
  'dynamic_standingsticks',
] as const;
export type ObjectType = (typeof OBJECT_TYPES)[number];

/** Number of templates, C(8, 4). */
export const TEMPLATE_COUNT = 70;
/** Task id of template 0 (`10000`); template k is task `10000 + k`. */
export const TASK_ID_BASE = 10000;

/** All k-subsets of `items` in `itertools.combinations` order. */
export function combinations<T>(items: ReadonlyArray<T>, k: number): T[][] {
  const out: T[][] = [];
  const idx = Array.from({ length: k }, (_, i) => i);
  const n = items.length;
  if (k > n) return out;
  for (;;) {
    out.push(idx.map((i) => items[i]));
    let i = k - 1;
    while (i >= 0 && idx[i] === i + n - k) i--;
    if (i < 0) return out;
    idx[i]++;
    for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1] + 1;
  }
}

function buildTemplates(): ReadonlyArray<ReadonlyArray<ObjectType>> {
  const viable = combinations(OBJECT_TYPES, 4).filter((c) => c.some((o) => o.includes('dynamic')));
  new PythonRandom(4).shuffle(viable);
  return viable.map((c) => Object.freeze(c));
}

/** TEMPLATES[k] = the object types of the paper's task `1000k` (k = 0…69). */
export const TEMPLATES: ReadonlyArray<ReadonlyArray<ObjectType>> = Object.freeze(buildTemplates());

/** The paper's training sets (paper-spec §4.2), as template indices. */
export const TRAIN_6: ReadonlyArray<number> = [3, 5, 16, 23, 24, 53];
/** Regex `100[0-5][02468]`: the even templates below 60. */
export const TRAIN_30: ReadonlyArray<number> = Array.from({ length: 30 }, (_, i) => 2 * i);
export const TRAIN_60: ReadonlyArray<number> = Array.from({ length: 60 }, (_, i) => i);
/** Out-of-template evaluation templates 10060–10069. */
export const EVAL_OUT_OF_TEMPLATE: ReadonlyArray<number> = Array.from({ length: 10 }, (_, i) => 60 + i);

/** Checks a template index; a ConfigError naming `param` and the range otherwise. */
export function checkTemplate(k: number, param = 'template'): number {
  if (!Number.isInteger(k) || k < 0 || k >= TEMPLATE_COUNT) throw new ConfigError(`${param} must be an integer template index in [0, ${TEMPLATE_COUNT - 1}] (task id 10000 + index), got ${k}`);
  return k;
}

/** The paper's task name for (template, seed): `1000k:SSS`. */
export function taskName(template: number, seed: number): string {
  return `${TASK_ID_BASE + checkTemplate(template)}:${String(seed).padStart(3, '0')}`;
}

/** Parses `10003:017` (or `3:17`) into { template, seed }. */
export function parseTaskName(s: string): { template: number; seed: number } {
  const m = /^(\d+):(\d+)$/.exec(s.trim());
  if (!m) throw new ConfigError(`task must look like 10003:017 (task id : seed), got '${s}'`);
  let t = Number(m[1]);
  if (t >= TASK_ID_BASE) t -= TASK_ID_BASE;
  return { template: checkTemplate(t, 'task id'), seed: Number(m[2]) };
}
