/**
 * Thin helpers for the PHYRE part of the tour notebook (00-tour): filmstrips of templates, and a
 * planted violation next to the clean video with the detector's verdict on both.
 */
import { makePhyreVideo } from '../sim/phyre/video';
import { OBJECT_TYPES, taskName, TEMPLATES } from '../sim/phyre/templates';
import { encodePng, filmstrip } from '../render/png';
import { AbnormalKind, detectAbnormal } from '../metrics/abnormal';
import { plantViolation } from '../metrics/abnormal-plant';

export interface Strip {
  png: Uint8Array;
  caption: string;
}

function strip(frames: Uint8Array, T: number, size: number, maxFrames: number): Uint8Array {
  const fs = filmstrip(frames, T, size, size, { maxFrames });
  return encodePng(fs.rgb, fs.height, fs.width);
}

/** One filmstrip per template (seed 0, trial 0), captioned with the task id and its objects. */
export function phyreTemplateStrips(templates: ReadonlyArray<number>, opts: { size?: number; frames?: number; seed?: number } = {}): Strip[] {
  const size = opts.size ?? 128;
  const frames = opts.frames ?? 32;
  return templates.map((template) => {
    const v = makePhyreVideo({ template, seed: opts.seed ?? 0, trial: 0, size, frames });
    const objects = TEMPLATES[template].map((o) => `${OBJECT_TYPES.indexOf(o) + 1} ${o}`).join(', ');
    return { png: strip(v.frames, frames, size, 8), caption: `**task ${taskName(template, opts.seed ?? 0)}** (template ${template}): ${objects}; red ball r = ${v.userBall.radius} (of 512)` };
  });
}

export interface PlantedDemo {
  clean: Strip;
  planted: Strip;
  markdown: string;
  cleanFlags: number;
  plantedKinds: AbnormalKind[];
}

/** A clean video and the same video with one planted violation, each through the detector. */
export function plantedViolationDemo(opts: { template: number; seed: number; kind: AbnormalKind; size?: number; frames?: number; index?: number }): PlantedDemo {
  const size = opts.size ?? 128;
  const frames = opts.frames ?? 24;
  const v = makePhyreVideo({ template: opts.template, seed: opts.seed, trial: 0, size, frames });
  const p = plantViolation(v, opts.kind, opts.index ?? 0);
  const clean = detectAbnormal(v.frames, frames, size, size);
  const bad = detectAbnormal(p.frames, frames, size, size);
  const list = (r: typeof bad) => (r.flags.length ? r.flags.map((f) => `frame ${f.frame}: **${f.kind}** (${f.detail})`).join('; ') : 'no flag');
  const markdown = [
    `**${v.name}**, planted *${opts.kind}* from frame ${p.frame} (${p.detail}).`,
    '',
    `- clean video: ${clean.abnormal ? 'ABNORMAL' : 'normal'}, ${list(clean)}`,
    `- planted video: ${bad.abnormal ? 'ABNORMAL' : 'normal'}, ${list(bad)}`,
  ].join('\n');
  return { clean: { png: strip(v.frames, frames, size, 12), caption: 'clean' }, planted: { png: strip(p.frames, frames, size, 12), caption: 'planted' }, markdown, cleanFlags: clean.flags.length, plantedKinds: bad.kinds };
}
