import { strict as assert } from 'node:assert';
import { resultKind, resultOf, toJson } from '../../../lib/experiments/core/unit-results';

interface Score {
  error: number | null;
  n: number;
  note?: string;
}
const SCORE = resultKind<Score>({ kind: 'object', fields: { error: { kind: 'number', nullable: true }, n: { kind: 'integer', min: 0 } } });

describe('experiments/core/unit-results', () => {
  it('a typed value round-trips as a unit result', () => {
    const s: Score = { error: 0.25, n: 3 };
    const results = { 'eval/a': toJson(s) };
    const r = resultOf(results, 'eval/a', SCORE);
    assert.deepEqual(r, s);
    assert.equal(r!.n, 3);
  });

  it('an absent unit reads as undefined', () => {
    assert.equal(resultOf({}, 'eval/b', SCORE), undefined);
  });

  it('a result of the wrong shape is an error naming the unit and the field', () => {
    assert.throws(() => resultOf({ 'eval/c': { error: 1 } }, 'eval/c', SCORE), /unit eval\/c: .*result\.n: missing/);
  });

  it('toJson refuses non-JSON values at compile time', () => {
    // @ts-expect-error a typed array is not JSON data
    toJson({ frames: new Uint8Array(2) });
    // @ts-expect-error a function is not JSON data
    toJson({ f: () => 1 });
  });
});
