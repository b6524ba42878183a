/**
 * The videos of experiment `template-coverage`: training clips drawn by a model's seed, the
 * held-out in-template and out-of-template evaluation clips (the same for every seed), and the
 * frame VAE's training clips. Every clip is a PHYRE-like video (lib/sim/phyre/video.ts) named by
 * (template, task seed, action trial), as the paper's data (paper-spec §4.2):
 * - training: task seed U{0…99}, trial U{0…989} per clip, drawn from the model's seed;
 * - in-template evaluation: held-out trials 990–999 of the model's training templates;
 * - out-of-template evaluation: templates 60–69, task seeds 0, 1, …, trial 0.
 */
import { hashKey, Rng } from '../../rng/rng';
import { makePhyreVideo } from '../../sim/phyre/video';
import { EVAL_OUT_OF_TEMPLATE, TRAIN_60 } from '../../sim/phyre/templates';
import type { VideoSource } from '../../train/video-source';
import type { TemplateCoverageConfig } from './config';
import { TEMPLATE_SETS } from './config';

/** One clip's address and frames. */
export interface TcVideo {
  template: number;
  taskSeed: number;
  trial: number;
  /** (T, H, W, 3) uint8. */
  frames: Uint8Array;
  frameShape: [number, number, number, number];
}

/** Training trials are below this; in-template evaluation uses 990–999 (the paper's split). */
export const TRAIN_TRIALS = 990;

function video(c: Pick<TemplateCoverageConfig, 'frames' | 'size' | 'stride'>, template: number, taskSeed: number, trial: number): TcVideo {
  const v = makePhyreVideo({ template, seed: taskSeed, trial, frames: c.frames, size: c.size, stride: c.stride });
  return { template, taskSeed, trial, frames: v.frames, frameShape: [c.frames, c.size, c.size, 3] };
}

/** The address of training clip j of template `template` for seed `seed`. */
export function trainAddress(seed: number, template: number, j: number): { taskSeed: number; trial: number } {
  const rng = new Rng(hashKey('template-coverage-train', seed, template, j));
  return { taskSeed: rng.int(100), trial: rng.int(TRAIN_TRIALS) };
}

/** The training clips of a model on `templates` templates with seed `seed`: perTemplate per template, template-major. */
export function trainVideos(c: TemplateCoverageConfig, templates: number, seed: number, onVideo?: () => void): TcVideo[] {
  const out: TcVideo[] = [];
  for (const t of TEMPLATE_SETS[templates]) {
    for (let j = 0; j < c.perTemplate; j++) {
      const a = trainAddress(seed, t, j);
      out.push(video(c, t, a.taskSeed, a.trial));
      onVideo?.();
    }
  }
  return out;
}

/** In-template evaluation clip i of a set: template set[i mod n], task seed ⌊i/n⌋ mod 100, trial 990 + ⌊i/(100 n)⌋ mod 10. */
export function inTemplateVideos(c: TemplateCoverageConfig, templates: number): TcVideo[] {
  const set = TEMPLATE_SETS[templates];
  const n = set.length;
  return Array.from({ length: c.inCount }, (_, i) => video(c, set[i % n], Math.floor(i / n) % 100, TRAIN_TRIALS + (Math.floor(i / (100 * n)) % 10)));
}

/** Out-of-template evaluation clip i: template 60 + (i mod 10), task seed ⌊i/10⌋ mod 100, trial ⌊i/1000⌋. */
export function outOfTemplateVideos(c: TemplateCoverageConfig): TcVideo[] {
  const n = EVAL_OUT_OF_TEMPLATE.length;
  return Array.from({ length: c.outCount }, (_, i) => video(c, EVAL_OUT_OF_TEMPLATE[i % n], Math.floor(i / n) % 100, Math.floor(i / (100 * n))));
}

/** The frame VAE's training clips: vaePerTemplate per template of the 60, drawn with `dataSeed`. */
export function vaeVideos(c: TemplateCoverageConfig): TcVideo[] {
  const out: TcVideo[] = [];
  for (const t of TRAIN_60) {
    for (let j = 0; j < c.vaePerTemplate; j++) {
      const a = trainAddress(hashKey('vae', c.dataSeed), t, j);
      out.push(video(c, t, a.taskSeed, a.trial));
    }
  }
  return out;
}

/** A list of clips as a training source. */
export function videoSource(videos: TcVideo[], description: string): VideoSource {
  return { count: videos.length, frameShape: videos[0].frameShape, frames: (i: number) => videos[i].frames, description };
}
