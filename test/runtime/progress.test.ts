import { strict as assert } from 'node:assert';
import { formatDuration, Progress } from '../../lib/runtime/progress';

class Sink {
  text = '';
  isTTY = false;
  write(s: string): boolean {
    this.text += s;
    return true;
  }
}

describe('runtime/progress', () => {
  it('formats durations', () => {
    assert.equal(formatDuration(5.25), '5.3s');
    assert.equal(formatDuration(75), '1m15s');
    assert.equal(formatDuration(3 * 3600 + 120), '3h02m');
    assert.equal(formatDuration(NaN), '?');
  });

  it('prints a start line and a final line with counts, rate and total time', () => {
    const sink = new Sink();
    const p = new Progress({ label: 'videos', total: 10, unit: 'videos', stream: sink as unknown as NodeJS.WritableStream });
    for (let i = 0; i < 10; i++) p.tick(1, `i=${i}`);
    p.finish();
    assert.match(sink.text, /^videos: 10 videos\n/);
    assert.match(sink.text, /videos \[#{24}\] 100% 10\/10 \| .* \| took .* \| i=9\n$/);
    assert.equal(p.done, 10);
  });

  it('counts resumed work but excludes it from the rate', () => {
    const p = new Progress({ label: 'x', total: 10, initial: 5, silent: true });
    assert.equal(p.done, 5);
    assert.equal(p.rate, 0);
  });
});
