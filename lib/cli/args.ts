/**
 * Command-line parsing shared by every `phylab` command.
 * Flags: `--name=value`, `--name value`, `--flag`, `--no-flag`. Keys containing a dot
 * (`--train.steps=500`) are config overrides, collected separately and applied strictly by
 * lib/config/overrides.ts. Unknown flags are a UsageError naming the allowed ones.
 */
import { ConfigError } from '../config/profile';

export type OptionType = 'string' | 'number' | 'integer' | 'boolean' | 'list';

export interface OptionSpec {
  /** Flag name without dashes, e.g. 'count'. */
  name: string;
  type: OptionType;
  /** One line of help. */
  help: string;
  /** Default shown in --help and used when absent. */
  default?: string | number | boolean | ReadonlyArray<string | number>;
  /** Allowed values (strings). */
  choices?: ReadonlyArray<string>;
  /** Inclusive numeric range. */
  min?: number;
  max?: number;
}

export interface CommandSpec {
  name: string;
  /** One line shown in `phylab --help`. */
  summary: string;
  /** Extra paragraphs for `phylab <name> --help`. */
  description?: string;
  options: ReadonlyArray<OptionSpec>;
  /** Accepts dotted config overrides (`--a.b=v`). */
  acceptsOverrides?: boolean;
  /** Names of positional arguments, for help; more positional arguments than these are a UsageError unless `variadic`. */
  positionals?: ReadonlyArray<string>;
  /** Takes any number of positional arguments (e.g. files). Default false. */
  variadic?: boolean;
  /** Examples for help. */
  examples?: ReadonlyArray<string>;
  /** Sort key in the command list. */
  order?: number;
  run(args: ParsedArgs): Promise<number | void>;
}

export interface ParsedArgs {
  options: Record<string, string | number | boolean | Array<string | number> | undefined>;
  overrides: Record<string, string>;
  positionals: string[];
}

/** A user mistake on the command line: printed as one line, exit code 2. */
export class UsageError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

function convert(spec: OptionSpec, raw: string): string | number | boolean | Array<string | number> {
  const flag = `--${spec.name}`;
  switch (spec.type) {
    case 'boolean':
      if (raw === '' || raw === 'true' || raw === '1') return true;
      if (raw === 'false' || raw === '0') return false;
      throw new UsageError(`${flag} must be true or false, got '${raw}'`);
    case 'number':
    case 'integer': {
      const n = Number(raw);
      // decimal notation only: Number() also takes '0x10', '0b1', '1e1' and ' 5 '
      const syntax = spec.type === 'integer' ? INTEGER_SYNTAX : DECIMAL_SYNTAX;
      if (!syntax.test(raw) || !Number.isFinite(n) || (spec.type === 'integer' && !Number.isInteger(n))) {
        throw new UsageError(`${flag} must be ${spec.type === 'integer' ? 'an integer' : 'a number'}${rangeText(spec)}, got '${raw}'`);
      }
      if ((spec.min !== undefined && n < spec.min) || (spec.max !== undefined && n > spec.max)) {
        throw new UsageError(`${flag} must be${rangeText(spec)}, got ${n}`);
      }
      return n;
    }
    case 'list': {
      const items = raw.split(',').map((s) => s.trim());
      if (items.some((s) => s.length === 0)) throw new UsageError(`${flag} must be a comma-separated list without empty entries, got '${raw}'`);
      return items;
    }
    default:
      if (spec.choices && !spec.choices.includes(raw)) throw new UsageError(`${flag}: unknown value '${raw}'; allowed: ${spec.choices.join(', ')}`);
      return raw;
  }
}

/** An integer in plain decimal digits (no '0x10', '1e1', '1.0'). */
export const INTEGER_SYNTAX = /^[+-]?\d+$/;
/** A number in decimal notation, exponent allowed ('1e-3'), no hex/binary/octal prefixes or blanks. */
export const DECIMAL_SYNTAX = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function rangeText(spec: OptionSpec): string {
  if (spec.min !== undefined && spec.max !== undefined) return ` in [${spec.min}, ${spec.max}]`;
  if (spec.min !== undefined) return ` ≥ ${spec.min}`;
  if (spec.max !== undefined) return ` ≤ ${spec.max}`;
  return '';
}

export function parseArgs(spec: CommandSpec, argv: ReadonlyArray<string>): ParsedArgs {
  const byName = new Map(spec.options.map((o) => [o.name, o]));
  const out: ParsedArgs = { options: {}, overrides: {}, positionals: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--') || a === '--') {
      if (a !== '--') out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    let name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    let raw: string | undefined = eq >= 0 ? a.slice(eq + 1) : undefined;
    if (name.includes('.')) {
      if (!spec.acceptsOverrides) throw new UsageError(`'phylab ${spec.name}' takes no config overrides (got --${name})`);
      if (raw === undefined) {
        raw = argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[++i] : '';
      }
      out.overrides[name] = raw;
      continue;
    }
    let opt = byName.get(name);
    if (!opt && name.startsWith('no-') && byName.get(name.slice(3))?.type === 'boolean') {
      opt = byName.get(name.slice(3));
      name = name.slice(3);
      raw = 'false';
    }
    if (!opt && spec.acceptsOverrides) {
      // a top-level config key (`--scenarios=uniform`): checked strictly by applyDotted
      if (raw === undefined) raw = argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') ? argv[++i] : '';
      out.overrides[name] = raw;
      continue;
    }
    if (!opt) {
      const allowed = spec.options.map((o) => `--${o.name}`).join(', ');
      throw new UsageError(`unknown option --${name} for 'phylab ${spec.name}'; allowed: ${allowed || '(none)'}${spec.acceptsOverrides ? ', or dotted config keys like --train.steps=500' : ''}`);
    }
    if (raw === undefined) {
      if (opt.type === 'boolean') raw = '';
      else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) raw = argv[++i];
      else throw new UsageError(`--${name} needs a value: ${opt.help}`);
    }
    out.options[name] = convert(opt, raw);
  }
  const maxPositionals = spec.positionals?.length ?? 0;
  if (!spec.variadic && out.positionals.length > maxPositionals) {
    const extra = out.positionals.slice(maxPositionals);
    throw new UsageError(`unexpected argument${extra.length > 1 ? 's' : ''} ${extra.map((e) => `'${e}'`).join(' ')} for 'phylab ${spec.name}'; it takes ${maxPositionals === 0 ? 'no positional arguments' : spec.positionals!.map((p) => `<${p}>`).join(' ')} (options are written --name=value)`);
  }
  for (const o of spec.options) {
    if (out.options[o.name] === undefined && o.default !== undefined) {
      out.options[o.name] = (Array.isArray(o.default) ? [...(o.default as Array<string | number>)] : o.default) as string | number | boolean;
    }
  }
  return out;
}

export function formatHelp(spec: CommandSpec): string {
  const lines: string[] = [];
  const pos = (spec.positionals ?? []).map((p) => ` <${p}>`).join('');
  lines.push(`Usage: phylab ${spec.name}${pos} [options]${spec.acceptsOverrides ? ' [--section.key=value …]' : ''}`, '', spec.summary);
  if (spec.description) lines.push('', spec.description);
  if (spec.options.length) {
    lines.push('', 'Options:');
    for (const o of spec.options) {
      const v = o.type === 'boolean' ? '' : `=<${o.choices ? o.choices.join('|') : o.type}>`;
      const def = o.default !== undefined ? ` (default: ${Array.isArray(o.default) ? o.default.join(',') : String(o.default)})` : '';
      lines.push(`  --${o.name}${v}`.padEnd(34) + ` ${o.help}${rangeText(o) ? ` [${rangeText(o).trim()}]` : ''}${def}`);
    }
  }
  lines.push(`  --help`.padEnd(34) + ' show this help');
  if (spec.acceptsOverrides) lines.push('', 'Config overrides: any field of the resolved config as --section.key=value (unknown keys and wrong types are errors).');
  if (spec.examples?.length) lines.push('', 'Examples:', ...spec.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}
