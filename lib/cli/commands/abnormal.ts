/**
 * `phylab abnormal`: the automatic abnormal-video detector on PHYRE-like videos.
 * - default: simulate one video (optionally with a planted violation) and print the flags;
 * - `--validate`: the detector's validation table (precision, recall, clean false-positive rate
 *   per kind, at each --sizes), printed as markdown and optionally written as JSON.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CommandSpec, UsageError } from '../args';
import { ABNORMAL_KINDS, AbnormalKind, detectAbnormal } from '../../metrics/abnormal';
import { canPlant, plantViolation } from '../../metrics/abnormal-plant';
import { validateDetector, validationMarkdown } from '../../metrics/abnormal-validation';
import { makePhyreVideo } from '../../sim/phyre/video';
import { checkTemplate } from '../../sim/phyre/templates';
import { Progress } from '../../runtime/progress';

export const command: CommandSpec = {
  name: 'abnormal',
  summary: 'automatic abnormal-video detector on PHYRE-like videos: run it on one video, or --validate it',
  description: [
    'Flags vanished / appeared objects, rigid bodies changing size, static objects moving,',
    'interpenetration and teleports from pixels only (lib/metrics/abnormal.ts). --validate measures it on',
    'clean simulator videos and on videos with one planted violation of each kind.',
  ].join('\n'),
  order: 45,
  options: [
    { name: 'validate', type: 'boolean', help: 'print the validation table (precision, recall, clean FP per kind and size)', default: false },
    { name: 'sizes', type: 'list', help: 'validate: frame sizes in pixels', default: [32, 128] },
    { name: 'clean', type: 'integer', help: 'validate: clean videos per size', min: 1, max: 100000, default: 150 },
    { name: 'per-kind', type: 'integer', help: 'validate: planted videos per kind and size', min: 1, max: 100000, default: 40 },
    { name: 'json', type: 'string', help: 'validate: also write the report as JSON to this file' },
    { name: 'template', type: 'integer', help: 'one video: template index 0-69', min: 0, max: 69, default: 0 },
    { name: 'seed', type: 'integer', help: 'one video: task seed', min: 0, default: 0 },
    { name: 'trial', type: 'integer', help: 'one video: action trial', min: 0, default: 0 },
    { name: 'size', type: 'integer', help: 'one video: frame side in pixels', min: 16, max: 512, default: 128 },
    { name: 'frames', type: 'integer', help: 'frames per video', min: 8, max: 50, default: 32 },
    { name: 'plant', type: 'string', help: 'one video: plant a violation of this kind first', choices: ['none', ...ABNORMAL_KINDS], default: 'none' },
  ],
  examples: [
    'phylab abnormal --validate --sizes 32,128 --clean 150 --per-kind 40 --json /tmp/detector.json',
    'phylab abnormal --template 23 --seed 4 --trial 0 --plant vanished',
  ],
  async run(args) {
    const o = args.options;
    const frames = Number(o.frames);
    if (o.validate) {
      const sizes = (o.sizes as Array<string | number>).map((s) => Number(s));
      for (const s of sizes) if (!Number.isInteger(s) || s < 16 || s > 512) throw new UsageError(`--sizes must be integers in [16, 512], got '${s}'`);
      const total = sizes.length * (Number(o.clean) + Number(o['per-kind']) * ABNORMAL_KINDS.length);
      const progress = new Progress({ label: 'validate', total, unit: 'videos' });
      let last = 0;
      const report = validateDetector({ sizes, clean: Number(o.clean), perKind: Number(o['per-kind']), frames }, {}, (done) => {
        progress.tick(done - last);
        last = done;
      });
      progress.finish();
      process.stdout.write(validationMarkdown(report) + '\n');
      process.stdout.write(`\n${report.cfg.clean} clean and ${report.cfg.perKind} planted videos per kind and size, ${frames} frames each; ${report.seconds.toFixed(0)} s\n`);
      if (o.json) writeFileSync(resolve(String(o.json)), JSON.stringify(report, null, 2) + '\n');
      return;
    }
    const size = Number(o.size);
    const v = makePhyreVideo({ template: checkTemplate(Number(o.template), '--template'), seed: Number(o.seed), trial: Number(o.trial), size, frames });
    let video = v.frames;
    const plant = String(o.plant);
    if (plant !== 'none') {
      if (!canPlant(v, plant as AbnormalKind)) throw new UsageError(`--plant ${plant}: video ${v.name} has no static body; pick a template with a static object`);
      const p = plantViolation(v, plant as AbnormalKind, 0);
      video = p.frames;
      process.stdout.write(`planted ${plant} at frame ${p.frame}: ${p.detail}\n`);
    }
    const r = detectAbnormal(video, frames, size, size);
    process.stdout.write(`${v.name} (${size} px, ${frames} frames): ${r.abnormal ? 'ABNORMAL' : 'normal'}\n`);
    for (const f of r.flags) process.stdout.write(`  frame ${String(f.frame).padStart(2)}  ${f.kind.padEnd(16)} ${f.detail}\n`);
  },
};
