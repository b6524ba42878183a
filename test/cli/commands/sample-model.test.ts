/** `phylab sample --model` and `phylab models` end to end, as a user runs them (a child process), on the shipped models. */
import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { phylab } from './run-phylab';
import { reproductionText } from '../../../lib/cli/commands/sample-model';

describe('cli: phylab sample --model, phylab models', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => (dir = mkdtempSync(join(tmpdir(), 'phylab-ask-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a clean clone asks the shipped Set-1 model about a ball at 5.5 u/s: generated vs true velocity, filmstrip and GIF', () => {
    const r = phylab(['sample', '--model', 'direction-flip/quick/set-1-s1', '--velocity', '5.5', '--out', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /trained on speeds 2\.5–4 u\/s \(right\)/);
    assert.match(r.stdout, /5\.50 .* no \(speed\)/);
    const a = JSON.parse(readFileSync(join(dir, 'answers.json'), 'utf8')) as { seed: number; answers: Array<{ file: string; conditionVelocity: number; generatedVelocity: number; truthVelocity: number }> };
    assert.equal(a.seed, 1001, 'the evaluation\'s noise seed (1000 + training seed)');
    const [x] = a.answers;
    assert.ok(Math.abs(x.truthVelocity - 5.5) < 0.25);
    assert.ok(x.generatedVelocity < 4.5, `pulled toward the training speeds: ${x.generatedVelocity}`);
    assert.ok(existsSync(join(dir, `${x.file}.png`)) && existsSync(join(dir, `${x.file}.gif`)));
  });

  it('asks notebook 01\'s shipped id-ood headline model about 5.5 u/s: id-ood\'s conditioning and parser (its error column), outside the ID speeds', () => {
    const out = join(dir, 'id-ood');
    const r = phylab(['sample', '--model', 'id-ood/quick/uniform-q128-n16384-s1', '--velocity', '2.5,5.5', '--out', out]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /trained on speeds 1–4 u\/s \(right\), radii 0\.7–1\.4; 15000 steps, seed 1/);
    assert.match(r.stdout, /its evaluation \(shipped summary\): ID error 0\.064 u\/s, OOD 0\.570 u\/s/);
    assert.match(r.stdout, /this checkpoint is a retrain at commit [0-9a-f]+, (re-evaluated, it gives that evaluation exactly, every video|not bit-identical: re-evaluated, 4\d\d of 416 videos give that evaluation exactly, the others differ by at most 0\.000\d u\/s) \(data\/models\/id-ood\/quick\/uniform-q128-n16384-s1\.reproduction\.json\)/);
    assert.match(r.stdout, /error u\/s/);
    assert.match(r.stdout, /2\.50 .* yes\n.*5\.50 .* no \(speed\)/);
    const a = JSON.parse(readFileSync(join(out, 'answers.json'), 'utf8')) as { seed: number; answers: Array<{ truthVelocity: number; velocityError: number | null; intact: boolean | null }> };
    assert.equal(a.seed, 1001, 'id-ood\'s noise seed rule: 1000 + training seed');
    assert.ok(Math.abs(a.answers[1].truthVelocity - 5.5) < 0.3, `the parser reads the true clip: ${a.answers[1].truthVelocity}`);
    assert.equal(a.answers[1].intact, null);
    assert.ok(a.answers.every((x) => x.velocityError === null || x.velocityError >= 0));
  });

  it('says what a reproduction record found: not checked, exact, or how many videos are bit-identical and how far the others moved', () => {
    assert.equal(reproductionText(null), 'not checked against that evaluation');
    const base = { file: 'r.json', videos: 416, identical: 416, maxVelocityChange: 0 };
    assert.equal(reproductionText({ ...base, exact: true }), 're-evaluated, it gives that evaluation exactly, every video (r.json)');
    assert.equal(reproductionText({ ...base, exact: false, identical: 414, maxVelocityChange: 0.0002 }),
      'not bit-identical: re-evaluated, 414 of 416 videos give that evaluation exactly, the others differ by at most 0.0002 u/s (r.json)');
  });

  it('clear errors: out-of-range velocity or radius, unknown model, --velocity without --model', () => {
    const cases: Array<[string[], RegExp]> = [
      [['sample', '--model', 'direction-flip/quick/set-1-s1', '--velocity', '25'], /--velocity must be speeds in \(0, 20\] u\/s/],
      [['sample', '--model', 'direction-flip/quick/set-1-s1', '--velocity', '2', '--radius', '9'], /--radius must be in \(0, 4\] world units/],
      [['sample', '--model', 'direction-flip/quick/set-9-s1', '--velocity', '2'], /no shipped model 'direction-flip\/quick\/set-9-s1'; allowed: .*set-1-s1/],
      [['sample', '--velocity', '2'], /--velocity asks a shipped model: it needs --model/],
    ];
    for (const [args, re] of cases) {
      const r = phylab(args);
      assert.equal(r.status, 2, args.join(' '));
      assert.match(r.stderr, re);
    }
  });

  it('models list and show', () => {
    const l = phylab(['models', 'list']);
    assert.equal(l.status, 0, l.stderr);
    assert.match(l.stdout, /direction-flip\/quick\/set-1-s1 +q64 334,176 params, 6000 steps, seed 1/);
    const s = phylab(['models', 'show', 'direction-flip/quick/control-s1']);
    assert.equal(s.status, 0, s.stderr);
    assert.equal(JSON.parse(s.stdout).trainedOn.set, 'control');
  });
});
