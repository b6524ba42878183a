// Mocha reporter: the usual 'spec' output, then one plain line "tests: N passed, N failed, N skipped".
'use strict';
const { reporters, Runner } = require('mocha');

class SummaryReporter extends reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const t0 = Date.now();
    runner.once(Runner.constants.EVENT_RUN_END, () => {
      const s = runner.stats || {};
      process.stdout.write(`\nTook ${((Date.now() - t0) / 1000).toFixed(0)} s.\n`);
      process.stdout.write(`tests: ${s.passes || 0} passed, ${s.failures || 0} failed, ${s.pending || 0} skipped\n`);
    });
  }
}
module.exports = SummaryReporter;
