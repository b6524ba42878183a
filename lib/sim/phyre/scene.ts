/**
 * A task = (template, seed): the template's 4 object types built with their randomisation
 * (objects.ts), in the template's order, as the paper's `build_task`.
 *
 * Overlap at t = 0. The original does not check the scene objects against each other, so some of
 * its tasks start with a dynamic body inside another body (Box2D then pushes them apart in the
 * first steps: a visible "pop"). Here a task is redrawn (up to `maxSceneAttempts` times, each
 * attempt from its own seeded stream) until no dynamic body overlaps another body or leaves the
 * scene; `rejectOverlap: false` keeps the first draw as the original would. Static bodies may
 * touch each other (they never move).
 */
import { hashKey, Rng } from '../../rng/rng';
import { bodyGap } from './geometry';
import { extents, PhyreBody, SCENE_SIZE } from './bodies';
import { buildObject } from './objects';
import { checkTemplate, TEMPLATES } from './templates';
import { ConfigError } from '../../config/profile';

export interface SceneOptions {
  /** Redraw tasks whose dynamic bodies overlap something at t = 0. Default true (see above). */
  rejectOverlap?: boolean;
  /** Redraws before giving up and keeping the draw with the largest clearance. Default 200. */
  maxSceneAttempts?: number;
}

export interface PhyreTask {
  template: number;
  seed: number;
  /** The scene bodies (walls not included), in creation order. */
  bodies: PhyreBody[];
  /** How many draws it took (1 = the first). */
  attempts: number;
  /** Smallest clearance between a dynamic body and another body or the scene edge (scene units). */
  clearance: number;
}

/** Smallest clearance of the dynamic bodies (to other bodies and to the scene bounds). */
export function sceneClearance(bodies: ReadonlyArray<PhyreBody>): number {
  let g = Infinity;
  for (let i = 0; i < bodies.length; i++) {
    if (!bodies[i].dynamic) continue;
    const [l, b, r, t] = extents(bodies[i]);
    g = Math.min(g, l, b, SCENE_SIZE - r, SCENE_SIZE - t);
    for (let j = 0; j < bodies.length; j++) if (j !== i && (j > i || !bodies[j].dynamic)) g = Math.min(g, bodyGap(bodies[i], bodies[j]));
  }
  return g;
}

/** Small clearance a dynamic body must keep (scene units): bodies resting on the floor have 0. */
const FLOOR_TOLERANCE = -1e-6;

function draw(template: number, seed: number, attempt: number): PhyreBody[] {
  const rng = new Rng(hashKey('phyre-task', template, seed, attempt));
  const bodies: PhyreBody[] = [];
  for (const type of TEMPLATES[template]) bodies.push(...buildObject(type, rng.fork(type)));
  return bodies;
}

/** Builds task `1000<template>:<seed>`; deterministic in (template, seed, options). */
export function buildTask(template: number, seed: number, opts: SceneOptions = {}): PhyreTask {
  checkTemplate(template);
  if (!Number.isInteger(seed) || seed < 0) throw new ConfigError(`seed must be a non-negative integer task seed, got ${seed}`);
  const reject = opts.rejectOverlap ?? true;
  const maxAttempts = opts.maxSceneAttempts ?? 200;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new ConfigError(`maxSceneAttempts must be a positive integer, got ${maxAttempts}`);
  let best: PhyreBody[] | null = null;
  let bestGap = -Infinity;
  for (let a = 0; a < (reject ? maxAttempts : 1); a++) {
    const bodies = draw(template, seed, a);
    const g = sceneClearance(bodies);
    if (!reject || g > FLOOR_TOLERANCE) return { template, seed, bodies, attempts: a + 1, clearance: g };
    if (g > bestGap) {
      bestGap = g;
      best = bodies;
    }
  }
  return { template, seed, bodies: best!, attempts: maxAttempts, clearance: bestGap };
}
