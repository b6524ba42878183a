/**
 * Where a shipped uniform-motion model's velocity error comes from (issue #17's recipe question):
 * systematic bias, a compressed speed response, or sample-to-sample scatter, and whether more DDIM
 * steps change it. Asks the model at `n` speeds evenly inside its training band (the eval's own
 * conditioning, noise seed and parser, via askUniform) with each step count, fits generated = a + b ·
 * conditioning by least squares and reports the slope b, the mean bias, the residual SD and the
 * mean |error| against the parse floor on the same clips.
 *
 *   npx tsx scripts/speed-scatter.ts [--model direction-flip/quick/control-s1] [--steps 20,50] [--n 48] [--out data/bench/speed-scatter.json]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { initBackend } from '../lib/runtime/backend';
import { loadModel } from '../lib/sample/model-registry';
import { askUniform } from '../lib/experiments/models/ask-uniform';
import { gitCommit } from '../lib/runtime/provenance';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : dflt;
}

const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;

async function main(): Promise<void> {
  const name = arg('model', 'direction-flip/quick/control-s1');
  const stepsList = arg('steps', '20,50').split(',').map(Number);
  const n = Number(arg('n', '48'));
  const out = arg('out', 'data/bench/speed-scatter.json');
  await initBackend({ quiet: true });
  const m = await loadModel(name);
  const bands = m.card.trainedOn.velocity as Array<[number, number]> | undefined;
  if (!bands?.length) throw new Error(`model ${name}: its card names no training speeds (trainedOn.velocity); speed-scatter asks uniform-motion models inside their training band`);
  const lo = Math.min(...bands.map((b) => b[0]));
  const hi = Math.max(...bands.map((b) => b[1]));
  // inside the band, 1/12 of its width in from each end (1.25–3.75 u/s for 1–4): no edge effects
  const a = lo + (hi - lo) / 12;
  const b = hi - (hi - lo) / 12;
  const queries = Array.from({ length: n }, (_, k) => ({ velocity: a + ((b - a) * (k + 0.5)) / n }));
  const results = [];
  for (const steps of stepsList) {
    const t0 = Date.now();
    const ans = await askUniform(m, queries, { steps });
    const ok = ans.filter((r) => r.generatedVelocity !== null);
    const X = ok.map((r) => r.conditionVelocity);
    const Y = ok.map((r) => r.generatedVelocity as number);
    const mx = mean(X);
    const my = mean(Y);
    let sxy = 0;
    let sxx = 0;
    X.forEach((x, i) => ((sxy += (x - mx) * (Y[i] - my)), (sxx += (x - mx) ** 2)));
    const slope = sxy / sxx;
    const resid = X.map((x, i) => Y[i] - (my + slope * (x - mx)));
    const floor = mean(ans.filter((r) => r.truthVelocity !== null).map((r) => Math.abs((r.truthVelocity as number) - r.conditionVelocity)));
    const err = mean(ok.map((r) => Math.abs((r.generatedVelocity as number) - r.conditionVelocity)));
    const row = { steps, videos: ok.length, intact: ok.filter((r) => r.intact).length, meanAbsError: err, floor, overFloor: err / floor, slope, bias: my - mx, residualSd: Math.sqrt(mean(resid.map((r) => r * r))), seconds: (Date.now() - t0) / 1000 };
    console.log(JSON.stringify(row));
    results.push(row);
  }
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, JSON.stringify({ model: name, commit: gitCommit(), date: new Date().toISOString(), speeds: [a, b], n, results }, null, 1) + '\n');
  console.log(`wrote ${out}`);
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
