/**
 * `phylab`: the command-line entry point. Each file in lib/cli/commands/ exports `command`
 * (a CommandSpec); they are discovered at start-up, so adding a command is adding a file.
 * User mistakes (ConfigError/UsageError) print one line and exit 2; other errors exit 1 with
 * the message (the stack only with PHYLAB_DEBUG=1).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CommandSpec, formatHelp, parseArgs, UsageError } from './args';
import { ConfigError } from '../config/profile';
import { bundledModules } from './registry';

export function loadCommands(): CommandSpec[] {
  const bundled = bundledModules('commands');
  if (bundled) {
    const specs = bundled.map((m) => (m as { command?: CommandSpec }).command).filter((c): c is CommandSpec => !!c);
    return specs.sort((a, b) => (a.order ?? 50) - (b.order ?? 50) || a.name.localeCompare(b.name));
  }
  const dir = join(__dirname, 'commands');
  const specs: CommandSpec[] = [];
  for (const f of readdirSync(dir).sort()) {
    if (!/\.ts$/.test(f) || f.endsWith('.d.ts')) continue;
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    const mod = require(join(dir, f)) as { command?: CommandSpec };
    if (mod.command) specs.push(mod.command);
  }
  return specs.sort((a, b) => (a.order ?? 50) - (b.order ?? 50) || a.name.localeCompare(b.name));
}

export function mainHelp(specs: ReadonlyArray<CommandSpec>): string {
  return [
    'phylab: reproduce "How Far is Video Generation from World Model: A Physical Law Perspective" (Kang et al., 2024)',
    '',
    'Usage: phylab <command> [options]      phylab <command> --help',
    '',
    'Commands:',
    ...specs.map((s) => `  ${s.name.padEnd(12)} ${s.summary}`),
    '',
    'Environment: PHYLAB_BACKEND=auto|tensorflow-gpu|webgpu|tensorflow|wasm|cpu picks the TensorFlow.js backend.',
  ].join('\n');
}

export async function main(argv: ReadonlyArray<string>): Promise<number> {
  const specs = loadCommands();
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp(specs) + '\n');
    return 0;
  }
  if (name === '--version') {
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    process.stdout.write(require('../../package.json').version + '\n');
    return 0;
  }
  const spec = specs.find((s) => s.name === name);
  try {
    if (!spec) throw new UsageError(`unknown command '${name}'; commands: ${specs.map((s) => s.name).join(', ')} (phylab --help)`);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(formatHelp(spec) + '\n');
      return 0;
    }
    const code = await spec.run(parseArgs(spec, rest));
    return typeof code === 'number' ? code : 0;
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`phylab${spec ? ' ' + spec.name : ''}: ${e.message}\n`);
      return 2;
    }
    const err = e as Error;
    process.stderr.write(`phylab${spec ? ' ' + spec.name : ''}: error: ${err.message}\n`);
    if (process.env.PHYLAB_DEBUG === '1') process.stderr.write(String(err.stack) + '\n');
    else process.stderr.write('(set PHYLAB_DEBUG=1 for the stack trace)\n');
    return 1;
  }
}
