import { strict as assert } from 'node:assert';
import { CommandSpec, formatHelp, parseArgs, UsageError } from '../../lib/cli/args';

const spec: CommandSpec = {
  name: 'demo',
  summary: 'a demo',
  positionals: ['name'],
  acceptsOverrides: true,
  options: [
    { name: 'count', type: 'integer', help: 'how many', default: 4, min: 1, max: 100 },
    { name: 'scenario', type: 'string', help: 'which', choices: ['uniform', 'collision'] },
    { name: 'gif', type: 'boolean', help: 'write gif', default: false },
    { name: 'seeds', type: 'list', help: 'seeds' },
  ],
  async run() {},
};

describe('cli/args', () => {
  it('parses --k=v, --k v, flags, lists, positionals and dotted overrides', () => {
    const a = parseArgs(spec, ['pos', '--count=7', '--scenario', 'collision', '--gif', '--seeds=1,2,3', '--train.steps=500']);
    assert.equal(a.options.count, 7);
    assert.equal(a.options.scenario, 'collision');
    assert.equal(a.options.gif, true);
    assert.deepEqual(a.options.seeds, ['1', '2', '3']);
    assert.deepEqual(a.overrides, { 'train.steps': '500' });
    assert.deepEqual(a.positionals, ['pos']);
  });

  it('fills defaults and supports --no-flag', () => {
    const a = parseArgs(spec, ['--no-gif']);
    assert.equal(a.options.count, 4);
    assert.equal(a.options.gif, false);
  });

  it('rejects unknown options, bad choices, out-of-range and non-integer numbers with the allowed values', () => {
    const noOverrides = { ...spec, acceptsOverrides: false };
    assert.throws(() => parseArgs(noOverrides, ['--bogus']), (e: Error) => e instanceof UsageError && /allowed: --count, --scenario, --gif, --seeds/.test(e.message));
    assert.throws(() => parseArgs(spec, ['--scenario=parabolic']), /allowed: uniform, collision/);
    assert.throws(() => parseArgs(spec, ['--count=0']), /--count must be in \[1, 100\], got 0/);
    assert.throws(() => parseArgs(spec, ['--count=2.5']), /--count must be an integer/);
    assert.throws(() => parseArgs(spec, ['--count']), /needs a value/);
  });

  it('passes unknown top-level keys as config overrides on commands that take overrides (checked by applyDotted)', () => {
    assert.deepEqual(parseArgs(spec, ['--scenarios=uniform', '--presets', 'q64']).overrides, { scenarios: 'uniform', presets: 'q64' });
  });

  it('rejects overrides on commands that take none', () => {
    assert.throws(() => parseArgs({ ...spec, acceptsOverrides: false }, ['--a.b=1']), /takes no config overrides/);
  });

  it('formats help with every option, its default and range', () => {
    const h = formatHelp(spec);
    assert.match(h, /Usage: phylab demo/);
    assert.match(h, /--count=<integer>.*\[in \[1, 100\]\].*\(default: 4\)/);
    assert.match(h, /--scenario=<uniform\|collision>/);
  });
});

describe('cli/args strict numbers, lists and positionals (issue 15, item 11)', () => {
  it('rejects 0x10, 1e1, 1.0 and blanks as integers', () => {
    for (const bad of ['0x10', '1e1', '1.0', ' 5', '0b11']) assert.throws(() => parseArgs(spec, [`--count=${bad}`]), (e: Error) => e instanceof UsageError && /--count must be an integer/.test(e.message), bad);
    assert.equal(parseArgs(spec, ['--count=16']).options.count, 16);
  });

  it('rejects empty list entries', () => {
    assert.throws(() => parseArgs(spec, ['--seeds=1,,2']), /--seeds must be a comma-separated list without empty entries, got '1,,2'/);
    assert.throws(() => parseArgs(spec, ['--seeds=1,2,']), /without empty entries/);
  });

  it('rejects positional arguments beyond the declared ones, unless the command is variadic', () => {
    assert.throws(() => parseArgs(spec, ['a', 'b']), /unexpected argument 'b' for 'phylab demo'; it takes <name>/);
    assert.throws(() => parseArgs({ ...spec, positionals: [] }, ['x']), /takes no positional arguments/);
    assert.deepEqual(parseArgs({ ...spec, variadic: true }, ['a', 'b']).positionals, ['a', 'b']);
  });
});
