/**
 * Filmstrips of notebook 04: for a test video, the true clip (its first `condFrames` frames
 * condition the model), the generated clip, and what each attribute of the pair would predict: the
 * same motion rendered with attribute A kept and B taken from the training combination that has A
 * ("A kept"), and vice versa ("B kept"). Continuous values move to the same relative position in the
 * other band (size small ↔ large: r ± 0.35; velocity slow ↔ fast: v ± 1.5 u/s).
 */
import { encodePng, filmstrip } from '../../render/png';
import { renderFrames } from '../../render/raster';
import { frameTime, strideOfFrameDt } from '../../sim/constants';
import type { ObjectInfo, Shape } from '../../sim/types';
import type { VideoSample } from '../../data/index';
import { Attribute, Combo, PairSpec } from './pairs';

/** The object and velocity of `v` with attribute `attr` changed to its value in combination `to`. */
function swapped(v: VideoSample, attr: Attribute, to: Combo, from: Combo): { obj: ObjectInfo; velocity: number } {
  const o = v.objects[0];
  const obj: ObjectInfo = { ...o };
  let velocity = v.states[2];
  if (attr === 'color') obj.color = to.color;
  if (attr === 'shape') obj.shape = to.shape as Shape;
  if (attr === 'size') obj.radius = o.radius + (to.radius[0] - from.radius[0]);
  if (attr === 'velocity') velocity = velocity + (to.velocity[0] - from.velocity[0]);
  return { obj, velocity };
}

/** Render `v`'s motion with another object and speed (same start, uniform motion). */
function rerender(v: VideoSample, obj: ObjectInfo, velocity: number): Uint8Array {
  const [T, H] = v.frameShape;
  const st = new Float32Array(T * 4);
  const stride = strideOfFrameDt(v.frameDt);
  for (let t = 0; t < T; t++) {
    st[t * 4] = v.states[0] + (velocity - v.states[2]) * frameTime(t, stride) + (v.states[t * 4] - v.states[0]);
    st[t * 4 + 1] = v.states[t * 4 + 1];
    st[t * 4 + 2] = velocity;
  }
  return renderFrames(st, [obj], T, { size: H, supersample: 4 });
}

/** The four rows (truth, generated, A kept, B kept) of test combination `combo` of pair `p`, with their labels. */
export function predictionRows(p: PairSpec, combo: number, v: VideoSample, generated: Uint8Array): Array<{ label: string; frames: Uint8Array }> {
  const [a, b] = p.attributes;
  const test = p.test[combo];
  const other = p.test[1 - combo];
  // "A kept": B takes the value of the training combination that shares A's value, i.e. the other test combination's B
  const aKept = swapped(v, b, other, test);
  const bKept = swapped(v, a, other, test);
  return [
    { label: 'truth (first frames condition the model)', frames: v.frames },
    { label: 'generated', frames: generated },
    { label: `${a} kept (${b} from training)`, frames: rerender(v, aKept.obj, aKept.velocity) },
    { label: `${b} kept (${a} from training)`, frames: rerender(v, bKept.obj, bKept.velocity) },
  ];
}

/** PNG of clips stacked top to bottom, frames left to right, ×`scale`. */
export function stackedStrips(clips: ReadonlyArray<Uint8Array>, frames: number, size: number, scale = 3): Buffer {
  const strips = clips.map((c) => filmstrip(c, frames, size, size, { scale }));
  const gap = 4;
  const w = strips[0].width;
  const h = strips.reduce((s, x) => s + x.height, 0) + gap * (strips.length - 1);
  const rgb = new Uint8Array(w * h * 3).fill(160);
  let y = 0;
  for (const s of strips) {
    rgb.set(s.rgb, y * w * 3);
    y += s.height + gap;
  }
  return encodePng(rgb, h, w);
}
