import { strict as assert } from 'node:assert';
import type { Row } from '../../../lib/experiments/core/experiment';
import { baselineErrors, baselineVerdictMarkdown, controlVerdict, isPull, setError } from '../../../lib/experiments/case-matching/baseline';

/** Synthetic direction-flip rows: per seed, 20 test videos at 1–2.5 u/s and 20 baseline videos at 2.5–4 u/s. */
function rows(opts: { controlShift: number; controlFlips: number; set1Shift: number; baseErr: number }): Row[] {
  const out: Row[] = [];
  for (const seed of [1, 2, 3]) {
    for (let i = 0; i < 20; i++) {
      const v = 1.0 + (1.5 * i) / 19;
      const b = 2.5 + (1.5 * i) / 19;
      out.push({ set: 'Set-1', evalSet: 'test', seed, index: i, conditionVelocity: v, generatedVelocity: v + opts.set1Shift, intact: true });
      out.push({ set: 'control', evalSet: 'test', seed, index: i, conditionVelocity: v, generatedVelocity: seed === 1 && i < opts.controlFlips ? -2 : v + opts.controlShift, intact: true });
      for (const set of ['Set-1', 'control']) out.push({ set, evalSet: 'baseline', seed, index: 100 + i, conditionVelocity: b, generatedVelocity: b + (i % 2 ? opts.baseErr : -opts.baseErr), intact: true });
    }
  }
  return out;
}

describe('case-matching baseline and control', () => {
  it('the ordinary error is the mean |generated − conditioning| of the baseline rows, per set and seed, against the floor', () => {
    const r = rows({ controlShift: 0, controlFlips: 0, set1Shift: 0.8, baseErr: 0.1 });
    const errs = baselineErrors(r, 0.04);
    assert.equal(errs.length, 6);
    for (const e of errs) {
      assert.equal(e.n, 20);
      assert.ok(Math.abs(e.error - 0.1) < 1e-9);
      assert.ok(Math.abs(e.overFloor! - 2.5) < 1e-9);
      assert.equal(e.withinFloor, true);
    }
    assert.equal(baselineErrors(r, 0.02)[0].withinFloor, false, '0.1 is 5x a floor of 0.02');
    assert.equal(baselineErrors(r)[0].overFloor, null, 'no floor given');
    const s = setError(errs, 'Set-1');
    assert.equal(s.seeds, 3);
    assert.ok(Math.abs(s.mean - 0.1) < 1e-9);
  });

  it('the control behaves when it neither flips nor shifts low speeds beyond twice its ordinary error', () => {
    const ok = controlVerdict(rows({ controlShift: 0.15, controlFlips: 0, set1Shift: 0.8, baseErr: 0.1 }));
    assert.equal(ok.verdict, 'behaved');
    assert.equal(ok.flipped, 0);
    assert.equal(ok.n, 60);
    const pulled = controlVerdict(rows({ controlShift: 0.5, controlFlips: 0, set1Shift: 0.8, baseErr: 0.1 }));
    assert.equal(pulled.verdict, 'did not behave');
    assert.equal(pulled.noPull, false);
    const flips = controlVerdict(rows({ controlShift: 0, controlFlips: 2, set1Shift: 0.8, baseErr: 0.1 }));
    assert.equal(flips.verdict, 'did not behave', '2 of 60 = 3.3% > 1%');
    assert.equal(flips.noFlips, false);
    assert.equal(controlVerdict(rows({ controlShift: 0, controlFlips: 0, set1Shift: 0, baseErr: 0.1 }).filter((x) => x.set !== 'control')).verdict, 'cannot tell');
  });

  it('a set pulls when its lowest-bin shift exceeds twice its ordinary error', () => {
    assert.equal(isPull(rows({ controlShift: 0, controlFlips: 0, set1Shift: 0.8, baseErr: 0.1 }), 'Set-1'), true);
    assert.equal(isPull(rows({ controlShift: 0, controlFlips: 0, set1Shift: 0.15, baseErr: 0.1 }), 'Set-1'), false);
    assert.equal(isPull(rows({ controlShift: 0, controlFlips: 0, set1Shift: 0.15, baseErr: 0.1 }), 'Set-2'), null);
  });

  it('the verdict paragraph reads the Set-1 pull against its ordinary error, and is empty without baseline rows', () => {
    const pulled = baselineVerdictMarkdown(rows({ controlShift: 0, controlFlips: 0, set1Shift: 0.8, baseErr: 0.1 }));
    assert.match(pulled, /shift \+0\.80 u\/s exceeds 2x/);
    assert.match(pulled, /Control: behaved/);
    const within = baselineVerdictMarkdown(rows({ controlShift: 0, controlFlips: 0, set1Shift: 0.15, baseErr: 0.1 }));
    assert.match(within, /does not exceed 2x Set-1's ordinary error at its training speeds \(0\.10 u\/s over 3 seeds, so 0\.20 u\/s\)/);
    assert.equal(baselineVerdictMarkdown(rows({ controlShift: 0, controlFlips: 0, set1Shift: 0.8, baseErr: 0.1 }).filter((x) => x.evalSet !== 'baseline')), '');
  });
});
