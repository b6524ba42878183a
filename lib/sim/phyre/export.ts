/**
 * Writes PHYRE-like videos for people to look at (`phylab simulate --scenario phyre`): one folder
 * per trial, `<task>-trial-<k>/`, with PNG frames, `states.json` (bodies with their shapes,
 * colours and the user-ball action; per frame and body x, y in scene units of 512, angle in
 * radians, velocities, and the total energy), and optionally an animated GIF and a filmstrip.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makePhyreVideo, PhyreVideo, PhyreVideoConfig } from './video';
import { PHYRE_STATE_DIM } from './simulate';
import { SCENE_SIZE } from './bodies';
import { encodePng, filmstrip } from '../../render/png';
import { encodeGif } from '../../render/gif';
import { taskName, TEMPLATES } from './templates';

export interface PhyreExportOptions {
  png: boolean;
  gif: boolean;
  filmstrip: boolean;
}

/** The states.json document of a video. */
export function phyreStatesJson(v: PhyreVideo): string {
  const { traj } = v;
  const n = traj.bodies.length;
  const head = {
    task: taskName(v.cfg.template, v.cfg.seed),
    template: v.cfg.template,
    templateObjects: TEMPLATES[v.cfg.template],
    seed: v.cfg.seed,
    trial: v.cfg.trial,
    frameShape: v.frameShape,
    frameDt: traj.stride / 60,
    sceneSize: SCENE_SIZE,
    userBall: { action: v.userBall.action, x: v.userBall.x, y: v.userBall.y, radius: v.userBall.radius, method: v.userBall.method, tries: v.userBall.tries },
    taskAttempts: v.task.attempts,
    bodies: traj.bodies,
  };
  const rows: string[] = [];
  for (let t = 0; t < traj.frames; t++) {
    const bodies = [];
    for (let j = 0; j < n; j++) {
      const o = (t * n + j) * PHYRE_STATE_DIM;
      const s = traj.states;
      bodies.push([s[o], s[o + 1], s[o + 2], s[o + 3], s[o + 4], s[o + 5]].map((x) => Number(x.toFixed(4))));
    }
    rows.push('    ' + JSON.stringify({ t, energy: Number(traj.energy[t].toFixed(3)), bodies }));
  }
  const text = JSON.stringify(head, null, 2).replace(/\n}$/, '');
  return `${text},\n  "stateColumns": ["x", "y", "angle", "vx", "vy", "omega"],\n  "frames": [\n${rows.join(',\n')}\n  ]\n}\n`;
}

/** Writes trials 0…trials−1 of task (template, seed); returns the folders. */
export function writePhyreVideos(out: string, base: Partial<PhyreVideoConfig>, trials: number, opts: PhyreExportOptions, onVideo?: () => void): string[] {
  const dirs: string[] = [];
  for (let k = 0; k < trials; k++) {
    const v = makePhyreVideo({ ...base, trial: (base.trial ?? 0) + k });
    const [T, H, W] = v.frameShape;
    const dir = join(out, `${taskName(v.cfg.template, v.cfg.seed).replace(':', '-')}-trial-${String(v.cfg.trial).padStart(3, '0')}`);
    mkdirSync(dir, { recursive: true });
    if (opts.png) for (let t = 0; t < T; t++) writeFileSync(join(dir, `frame-${String(t).padStart(3, '0')}.png`), encodePng(v.frames.subarray(t * H * W * 3, (t + 1) * H * W * 3), H, W));
    writeFileSync(join(dir, 'states.json'), phyreStatesJson(v));
    if (opts.gif) writeFileSync(join(dir, 'video.gif'), encodeGif(v.frames, T, H, W));
    if (opts.filmstrip) {
      const fs = filmstrip(v.frames, T, H, W, { maxFrames: 16 });
      writeFileSync(join(dir, 'filmstrip.png'), encodePng(fs.rgb, fs.height, fs.width));
    }
    dirs.push(dir);
    onVideo?.();
  }
  return dirs;
}
