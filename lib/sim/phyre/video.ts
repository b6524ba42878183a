/**
 * One PHYRE-like video, addressed as the paper's data: task `1000<template>:<seed>` and action
 * trial `trial` (paper-spec §4.2: 100 seeds × 1000 trials per template). Deterministic: the same
 * (template, seed, trial, options) gives byte-identical frames and states.
 */
import { buildTask, PhyreTask, SceneOptions } from './scene';
import { sampleUserBall, UserBall, userBallBody } from './action';
import { PHYRE_STATE_DIM, PHYRE_STRIDE, PhyreTrajectory, simulatePhyre } from './simulate';
import { PhyreBody, SCENE_SIZE, worldShapes } from './bodies';
import { checkTemplate, taskName } from './templates';
import { defaultPolygonRenderConfig, DrawItem, drawItems, PolygonRenderConfig, validatePolygonRenderConfig, whiteFrames } from '../../render/polygons';
import { WAD_COLORS } from '../../render/wad-palette';
import { ConfigError } from '../../config/profile';

export interface PhyreVideoConfig extends SceneOptions {
  /** Template index 0–69 (task 10000 + index). Default 0. */
  template: number;
  /** Task seed (the paper uses 0–99). Default 0. */
  seed: number;
  /** Action trial (the paper uses 0–999). Default 0. */
  trial: number;
  /** Frames per video. Default 32 (the paper's clip; PHYRE's 1000 steps give 50 at stride 20). */
  frames: number;
  /** Physics steps (1/60 s) per frame. Default 20 (the paper's). */
  stride: number;
  /** Frame side in pixels. Default 128. */
  size: number;
  /** Anti-aliasing samples per pixel side. Default 4. */
  supersample: number;
}

export function defaultPhyreVideoConfig(): PhyreVideoConfig {
  return { template: 0, seed: 0, trial: 0, frames: 32, stride: PHYRE_STRIDE, size: 128, supersample: 4 };
}

export interface PhyreVideo {
  name: string;
  cfg: PhyreVideoConfig;
  task: PhyreTask;
  userBall: UserBall;
  traj: PhyreTrajectory;
  /** (T, H, W, 3) uint8 RGB. */
  frames: Uint8Array;
  frameShape: [number, number, number, number];
}

/** The bodies of a video at t = 0: task bodies then the red ball (simulation and render order). */
export function videoBodies(task: PhyreTask, ball: UserBall): PhyreBody[] {
  return [...task.bodies, userBallBody(ball)];
}

/** Renders a trajectory (any subset of its frames can be re-rendered at any size). */
export function renderPhyre(traj: PhyreTrajectory, render: PolygonRenderConfig = defaultPolygonRenderConfig(), out?: Uint8Array): Uint8Array {
  validatePolygonRenderConfig(render);
  const { size, supersample } = render;
  const T = traj.frames;
  const n = traj.bodies.length;
  const buf = out ?? whiteFrames(T, size);
  if (out) buf.fill(255);
  for (let t = 0; t < T; t++) {
    const items: DrawItem[] = traj.bodies.map((b, j) => {
      const o = (t * n + j) * PHYRE_STATE_DIM;
      const shapes = worldShapes({ x: traj.states[o], y: traj.states[o + 1], angle: traj.states[o + 2], shapes: b.shapes });
      return { shapes, color: WAD_COLORS[b.color] };
    });
    drawItems(buf, t * size * size * 3, size, SCENE_SIZE, items, supersample);
  }
  return buf;
}

export function validatePhyreVideoConfig(cfg: PhyreVideoConfig): void {
  checkTemplate(cfg.template);
  for (const k of ['seed', 'trial'] as const) if (!Number.isInteger(cfg[k]) || cfg[k] < 0) throw new ConfigError(`${k} must be a non-negative integer, got ${cfg[k]}`);
  if (!Number.isInteger(cfg.frames) || cfg.frames < 1 || cfg.frames > 1024) throw new ConfigError(`frames must be an integer in [1, 1024], got ${cfg.frames}`);
  validatePolygonRenderConfig({ size: cfg.size, supersample: cfg.supersample });
}

/** Builds, simulates and renders one video. */
export function makePhyreVideo(partial: Partial<PhyreVideoConfig> = {}): PhyreVideo {
  const cfg: PhyreVideoConfig = { ...defaultPhyreVideoConfig(), ...partial };
  validatePhyreVideoConfig(cfg);
  const task = buildTask(cfg.template, cfg.seed, cfg);
  const userBall = sampleUserBall(task, cfg.trial);
  const traj = simulatePhyre(videoBodies(task, userBall), { frames: cfg.frames, stride: cfg.stride });
  const frames = renderPhyre(traj, { size: cfg.size, supersample: cfg.supersample });
  return { name: `${taskName(cfg.template, cfg.seed)}#${cfg.trial}`, cfg, task, userBall, traj, frames, frameShape: [cfg.frames, cfg.size, cfg.size, 3] };
}
