/**
 * Automatic abnormal-video detector for PHYRE-like videos (the paper's abnormal ratio was judged
 * by people; paper-spec §4.3). From pixels only, with the first (conditioning) frame as the
 * reference, it tracks objects frame to frame (lib/metrics/object-components.ts: WAD colour
 * class, connected components, coverage mass, centroid, second moments) and flags:
 * - `vanished`: a component has no successor and its class loses that mass (persisting a frame);
 * - `appeared`: a component has no predecessor and its class gains that mass;
 * - `size-change`: a rigid body's mass changes (a matched pair outside the mass tolerance, a
 *   lost/new pair at the same place with different masses, or the class mass drifting from the
 *   reference frame) without touching another object;
 * - `static-moved`: a black (static) component moves or jumps;
 * - `interpenetration`: mass is lost where objects meet (two components merging into less than
 *   their sum, or a body occluded by another class while in contact);
 * - `teleport`: a component disappears and one of the same class and mass appears farther away
 *   than any object can move in one frame.
 * Thresholds are in fractions of the frame size where they are distances; the defaults keep the
 * false-positive rate on clean simulator videos at or under 2% at 32 px and 128 px (measured by
 * `phylab abnormal --validate`, table in README).
 */
import { Component, ComponentOptions, FrameObjects, frameObjects, touchesOtherClass } from './object-components';
import { WAD_CLASSES, WadClass } from '../render/wad-palette';
import { ConfigError } from '../config/profile';

export const ABNORMAL_KINDS = ['vanished', 'appeared', 'size-change', 'static-moved', 'interpenetration', 'teleport'] as const;
export type AbnormalKind = (typeof ABNORMAL_KINDS)[number];

export interface AbnormalFlag {
  kind: AbnormalKind;
  /** Frame index where it was seen. */
  frame: number;
  cls: WadClass;
  detail: string;
}

export interface DetectorConfig extends ComponentOptions {
  /** Largest plausible displacement of an object between frames, fraction of the frame side. Default 0.18 (free fall at PHYRE's 3 frames/s moves ≤ 15% of the scene). */
  matchRadius: number;
  /** Mass ratio beyond which a matched body changed size. Default 1.3 (and 1/1.3). */
  massRatio: number;
  /** Class mass drift from the reference frame flagged as a size change. Default 0.3. */
  classDrift: number;
  /** Mass changes below this many pixels² are noise at 32 px (scaled linearly with the frame side: rims grow with the perimeter). Default 2. */
  massNoise: number;
  /** Static area covered by moving objects beyond this (pixels² per pixel of frame side) is interpenetration. Default 0.1. */
  occlusion: number;
}

export function defaultDetectorConfig(): DetectorConfig {
  return { threshold: 0.2, minMass: 0.35, matchRadius: 0.18, massRatio: 1.3, classDrift: 0.3, massNoise: 2, occlusion: 0.1 };
}

export interface AbnormalResult {
  abnormal: boolean;
  flags: AbnormalFlag[];
  kinds: AbnormalKind[];
}

function dist(a: Component, b: Component): number {
  return Math.hypot(a.cx - b.cx, a.cy - b.cy);
}

/** Runs the detector on a (T, H, W, 3) uint8 video. */
export function detectAbnormal(video: Uint8Array, frames: number, h: number, w: number, partial: Partial<DetectorConfig> = {}): AbnormalResult {
  const cfg = { ...defaultDetectorConfig(), ...partial };
  if (video.length !== frames * h * w * 3) throw new ConfigError(`detectAbnormal: video holds ${video.length} bytes, expected frames·H·W·3 = ${frames * h * w * 3}`);
  if (!(cfg.matchRadius > 0 && cfg.matchRadius < 1)) throw new ConfigError(`matchRadius must be in (0, 1) (fraction of the frame side), got ${cfg.matchRadius}`);
  if (!(cfg.massRatio > 1)) throw new ConfigError(`massRatio must be > 1, got ${cfg.massRatio}`);
  const size = Math.max(h, w);
  const R = cfg.matchRadius * size;
  const noise = cfg.massNoise * (size / 32);
  const objs: FrameObjects[] = [];
  for (let t = 0; t < frames; t++) objs.push(frameObjects(video.subarray(t * h * w * 3, (t + 1) * h * w * 3), h, w, cfg));
  const flags: AbnormalFlag[] = [];
  const flag = (kind: AbnormalKind, frame: number, cls: WadClass, detail: string) => flags.push({ kind, frame, cls, detail });
  /** The class mass change from frame t−1 persists (same sign, ≥ half of `expected`) at t and t+1. */
  const persists = (cls: WadClass, t: number, expected: number): boolean => {
    const base = objs[t - 1].mass[cls];
    for (const u of [t, Math.min(t + 1, frames - 1)]) {
      const d = objs[u].mass[cls] - base;
      if (Math.sign(d) !== Math.sign(expected) || Math.abs(d) < 0.5 * Math.abs(expected) || Math.abs(d) < noise) return false;
    }
    return true;
  };
  // Static (black) objects never move: compare black coverage with the reference frame.
  // Black can only be lost under another object (occlusion, explained by that object's coverage)
  // and never gained, so unexplained loss and any gain mean a static object moved, vanished or
  // appeared; a large occluded area means something sank into a static object.
  const a0 = objs[0].alpha.black;
  const blackComps0 = objs[0].components.filter((c) => c.cls === 'black');
  const tauStatic = Math.max(noise, 0.4 * Math.min(...blackComps0.map((c) => c.mass), Infinity));
  const occlTol = Math.max(noise, cfg.occlusion * size);
  const staticState: Array<{ gain: number; loss: number; occluded: number }> = [];
  for (let t = 0; t < frames; t++) {
    const { alpha } = objs[t];
    let gain = 0;
    let loss = 0;
    let occluded = 0;
    for (let p = 0; p < h * w; p++) {
      const d = alpha.black[p] - a0[p];
      if (d > 0.05) gain += d;
      else if (d < -0.05) {
        const cover = Math.min(-d, alpha.red[p] + alpha.gray[p]);
        occluded += cover;
        loss += -d - cover;
      }
    }
    staticState.push({ gain, loss, occluded });
  }
  for (let t = 1; t < frames; t++) {
    const s = staticState[t];
    const s2 = staticState[Math.min(t + 1, frames - 1)];
    const firstFlag = (kind: AbnormalKind) => !flags.some((f) => f.kind === kind && f.cls === 'black');
    const g = s.gain >= tauStatic && s2.gain >= tauStatic;
    const l = s.loss >= tauStatic && s2.loss >= tauStatic;
    if (g && l && firstFlag('static-moved')) flag('static-moved', t, 'black', `static mass moved: ${s.gain.toFixed(1)} px² gained, ${s.loss.toFixed(1)} px² lost`);
    else if (g && !l && s.loss < tauStatic / 2 && firstFlag('appeared')) flag('appeared', t, 'black', `static object of ${s.gain.toFixed(1)} px² appeared`);
    else if (l && !g && s.gain < tauStatic / 2 && firstFlag('vanished')) flag('vanished', t, 'black', `static object of ${s.loss.toFixed(1)} px² vanished`);
    if (s.occluded >= occlTol && s2.occluded >= occlTol && firstFlag('interpenetration')) flag('interpenetration', t, 'black', `${s.occluded.toFixed(1)} px² of a static object covered by a moving one`);
  }
  // Moving objects (red, gray): link components of consecutive frames into clusters (near enough
  // to be the same objects moved, or touching), so that objects that touch, merge and separate
  // again conserve mass within their cluster.
  for (let t = 1; t < frames; t++) {
    const prev = objs[t - 1].components;
    const cur = objs[t].components;
    const np = prev.length;
    const parent = Array.from({ length: np + cur.length }, (_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i])));
    const unite = (i: number, j: number) => {
      parent[find(i)] = find(j);
    };
    // linked: pixels touching (the same object moved a little, or objects regrouping), or
    // centroids within one frame's reach with a similar mass (a fast object)
    const linked = new Set<string>();
    const lab = objs[t].label;
    prev.forEach((a, i) => {
      if (a.cls === 'black') return;
      for (const p of a.pixels) {
        const r0 = (p / w) | 0;
        const c0 = p - r0 * w;
        for (let di = -1; di <= 1; di++) for (let dj = -1; dj <= 1; dj++) {
          const rr = r0 + di;
          const cc = c0 + dj;
          if (rr < 0 || rr >= h || cc < 0 || cc >= w) continue;
          const j = lab[rr * w + cc];
          if (j >= 0 && cur[j].cls === a.cls) linked.add(`${i},${j}`);
        }
      }
    });
    for (let i = 0; i < np; i++) for (let j = 0; j < cur.length; j++) {
      const a = prev[i];
      const b = cur[j];
      if (a.cls !== b.cls || a.cls === 'black') continue;
      const r = b.mass / a.mass;
      if (linked.has(`${i},${j}`) || (dist(a, b) <= R && r < 1.6 && r > 1 / 1.6)) unite(i, np + j);
    }
    const clusters = new Map<number, { prev: number[]; cur: number[] }>();
    for (let i = 0; i < np + cur.length; i++) {
      const c = i < np ? prev[i] : cur[i - np];
      if (c.cls === 'black') continue;
      const k = find(i);
      if (!clusters.has(k)) clusters.set(k, { prev: [], cur: [] });
      if (i < np) clusters.get(k)!.prev.push(i);
      else clusters.get(k)!.cur.push(i - np);
    }
    // mass events: a cluster that lost or gained mass, at its centroid
    interface MassEvent {
      cls: WadClass;
      d: number;
      x: number;
      y: number;
      nPrev: number;
      nCur: number;
      contact: boolean;
      /** the single component lost (nCur = 0) or born (nPrev = 0) */
      whole: boolean;
      prevMass: number;
      curMass: number;
      masses: number[];
      prevComps: Component[];
      curComps: Component[];
    }
    const events: MassEvent[] = [];
    for (const cl of clusters.values()) {
      const ps = cl.prev.map((i) => prev[i]);
      const cs = cl.cur.map((j) => cur[j]);
      const cls = (ps[0] ?? cs[0]).cls;
      const mp = ps.reduce((s, c) => s + c.mass, 0);
      const mc = cs.reduce((s, c) => s + c.mass, 0);
      const d = mc - mp;
      if (Math.abs(d) <= noise) continue;
      const at = d < 0 && ps.length ? ps : cs.length ? cs : ps;
      const m = at.reduce((s, c) => s + c.mass, 0);
      events.push({
        cls, d, nPrev: ps.length, nCur: cs.length,
        x: at.reduce((s, c) => s + c.mass * c.cx, 0) / m,
        y: at.reduce((s, c) => s + c.mass * c.cy, 0) / m,
        contact: cl.cur.some((j) => touchesOtherClass(objs[t], j, w, h)),
        whole: ps.length === 0 || cs.length === 0,
        prevMass: mp, curMass: mc,
        masses: (d < 0 ? ps : cs).map((c) => c.mass),
        prevComps: ps,
        curComps: cs,
      });
    }
    // a loss and a gain of the same class and size far apart: a teleport, unless the lost object
    // can have moved into the gaining cluster (a fast object merging with one it fell onto) or
    // the gained one split off a losing cluster
    const boxDist = (x: number, y: number, c: Component) => Math.hypot(Math.max(c.x0 - x, 0, x - c.x1 - 1), Math.max(c.y0 - y, 0, y - c.y1 - 1));
    const reachable = (l: MassEvent, g: MassEvent) =>
      (g.nPrev > 0 && l.prevComps.some((a) => g.curComps.some((b) => boxDist(a.cx, a.cy, b) <= R))) ||
      (l.nCur > 0 && g.curComps.some((b) => l.prevComps.some((a) => boxDist(b.cx, b.cy, a) <= R)));
    const paired = new Set<MassEvent>();
    for (const lossEv of events.filter((e) => e.d < 0)) {
      let best: MassEvent | null = null;
      for (const g of events) {
        if (g.d <= 0 || paired.has(g) || g.cls !== lossEv.cls) continue;
        const r = g.d / -lossEv.d;
        const far = Math.hypot(g.x - lossEv.x, g.y - lossEv.y) > R;
        if (far && r < 1.6 && r > 1 / 1.6 && (lossEv.whole || g.whole) && !reachable(lossEv, g) && (!best || Math.abs(Math.log(r)) < Math.abs(Math.log(best.d / -lossEv.d)))) best = g;
      }
      if (best) {
        paired.add(best);
        paired.add(lossEv);
        flag('teleport', t, lossEv.cls, `${lossEv.cls} object of ${(-lossEv.d).toFixed(1)} px² jumped ${(Math.hypot(best.x - lossEv.x, best.y - lossEv.y) / size).toFixed(2)} of the frame`);
      }
    }
    for (const e of events) {
      if (paired.has(e) || !persists(e.cls, t, e.d)) continue;
      const r = e.curMass / Math.max(e.prevMass, 1e-9);
      const big = r > cfg.massRatio || r < 1 / cfg.massRatio;
      const loss = -e.d;
      if (e.d < 0 && (e.nCur === 0 || (e.nCur < e.nPrev && e.masses.some((m) => Math.abs(m - loss) < 0.35 * m) && !e.contact))) flag('vanished', t, e.cls, `${e.cls} object of ${loss.toFixed(1)} px² at (${(e.x / w).toFixed(2)}, ${(e.y / h).toFixed(2)}) vanished`);
      else if (e.d > 0 && (e.nPrev === 0 || (e.nCur > e.nPrev && e.masses.some((m) => Math.abs(m - e.d) < 0.35 * m)))) flag('appeared', t, e.cls, `${e.cls} object of ${e.d.toFixed(1)} px² appeared at (${(e.x / w).toFixed(2)}, ${(e.y / h).toFixed(2)})`);
      else if (e.d < 0 && (e.contact || e.nCur < e.nPrev) && loss > occlTol) flag('interpenetration', t, e.cls, `${e.cls} objects lost ${loss.toFixed(1)} px² where they meet`);
      else if (big) flag('size-change', t, e.cls, `${e.cls} object mass ${e.prevMass.toFixed(1)} → ${e.curMass.toFixed(1)} px²`);
    }
  }
  // class mass drift from the reference frame (slow deformation), two frames in a row
  for (const cls of WAD_CLASSES) {
    const m0 = objs[0].mass[cls];
    let run = 0;
    for (let t = 1; t < frames; t++) {
      const d = objs[t].mass[cls] - m0;
      run = Math.abs(d) > Math.max(cfg.classDrift * m0, 2 * noise) ? run + 1 : 0;
      if (run === 2 && !flags.some((f) => f.cls === cls && f.frame <= t)) flag('size-change', t, cls, `${cls} mass drifted ${m0.toFixed(1)} → ${objs[t].mass[cls].toFixed(1)} px²`);
    }
  }
  flags.sort((a, b) => a.frame - b.frame);
  const kinds = ABNORMAL_KINDS.filter((k) => flags.some((f) => f.kind === k));
  return { abnormal: flags.length > 0, flags, kinds };
}
