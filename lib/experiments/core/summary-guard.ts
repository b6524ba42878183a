/**
 * What a run may do to the summary already in its results folder (summary.json, summary.csv,
 * run.json), checked before any unit runs (`preflightResultsFolder`) and after (`decideSummary`):
 *  - a corrupt run.json or summary.json, or a folder that cannot be written, stops the run before
 *    its first unit, naming the file;
 *  - a summary is never replaced by one that lacks finished units or rows it has, unless the run
 *    is told so (`--replace-summary`);
 *  - a run that computed nothing and finds the same finished units already summarised leaves the
 *    files as they are (byte-identical: a clean clone's `npm start` leaves `git status` clean).
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The parts of a summary folder's run.json the guard reads. */
export interface SummaryRecord {
  units: Array<{ id: string; hash?: string; done: boolean }>;
  rows: number;
}

/** Parse a JSON file of a results folder; a corrupt one is an Error naming it and what to do. */
function readStrict(file: string): unknown {
  if (!existsSync(file)) return undefined;
  const text = readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON (${(e as Error).message}); nothing was run. Restore it (git checkout -- ${file}, if it is committed) or move it away to start a new summary there`);
  }
}

/** The summary in `dir` as the guard sees it; undefined when there is none. Throws on a corrupt file. */
export function readSummaryRecord(dir: string): SummaryRecord | undefined {
  const run = readStrict(join(dir, 'run.json')) as { units?: unknown } | undefined;
  const rows = readStrict(join(dir, 'summary.json'));
  if (run === undefined) return undefined;
  if (typeof run !== 'object' || run === null || !Array.isArray(run.units)) {
    throw new Error(`${join(dir, 'run.json')} has no list 'units' (not a run record of phylab's runner); nothing was run. Restore it or move it away`);
  }
  if (rows !== undefined && !Array.isArray(rows)) throw new Error(`${join(dir, 'summary.json')} is not a list of rows; nothing was run. Restore it or move it away`);
  const units = (run.units as Array<Record<string, unknown>>).map((u) => ({ id: String(u?.id), hash: typeof u?.hash === 'string' ? u.hash : undefined, done: u?.done === true }));
  return { units, rows: Array.isArray(rows) ? rows.length : 0 };
}

/**
 * Before any unit runs: the folder's summary files parse, and the folder (or the nearest existing
 * parent, when it does not exist yet) can be written. Throws an Error naming the path.
 */
export function preflightResultsFolder(dir: string): SummaryRecord | undefined {
  const record = readSummaryRecord(dir);
  let probeDir = dir;
  while (!existsSync(probeDir) && dirname(probeDir) !== probeDir) probeDir = dirname(probeDir);
  try {
    accessSync(probeDir, constants.W_OK);
    if (existsSync(dir)) {
      for (const f of ['run.json', 'summary.json', 'summary.csv']) if (existsSync(join(dir, f))) accessSync(join(dir, f), constants.W_OK);
      const probe = join(dir, `.write-test-${process.pid}`);
      writeFileSync(probe, '');
      rmSync(probe, { force: true });
    } else {
      mkdirSync(dir, { recursive: true });
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new Error(`results folder ${dir} cannot be written (${code}: ${(e as Error).message}); nothing was run. Choose another folder with --out DIR or fix its permissions`);
  }
  return record;
}

export type SummaryDecision =
  | { action: 'write' }
  | { action: 'keep'; reason: string }
  | { action: 'unchanged'; reason: string };

export interface SummaryState {
  /** Finished units of this run, with their hashes. */
  done: ReadonlyArray<{ id: string; hash: string }>;
  /** Summary rows of this run. */
  rows: number;
  /** Units this run computed (not taken from the cache or the shipped results). */
  computed: number;
}

/**
 * Write, keep, or leave unchanged the summary `prev` (read by preflight, before the run):
 * keep it when it covers a finished unit or more rows than this run and `replace` is false;
 * leave it unchanged when this run computed nothing and finished exactly the same units.
 */
export function decideSummary(prev: SummaryRecord | undefined, now: SummaryState, replace: boolean): SummaryDecision {
  if (prev === undefined) return { action: 'write' };
  const prevDone = prev.units.filter((u) => u.done);
  const nowIds = new Set(now.done.map((u) => u.id));
  if (now.computed === 0 && prevDone.length === now.done.length && prev.rows === now.rows) {
    const nowKeys = new Set(now.done.map((u) => `${u.id}@${u.hash}`));
    if (prevDone.every((u) => nowKeys.has(`${u.id}@${u.hash}`))) return { action: 'unchanged', reason: `summary up to date (${now.done.length} finished units, ${now.rows} rows; nothing computed): left as it is` };
  }
  if (replace) return { action: 'write' };
  const lost = prevDone.filter((u) => !nowIds.has(u.id)).map((u) => u.id);
  if (lost.length > 0 || prev.rows > now.rows) {
    const what = lost.length > 0 ? `${lost.length} finished unit(s) this run lacks (${lost.slice(0, 3).join(', ')}${lost.length > 3 ? ', …' : ''})` : `${prev.rows} rows, this run ${now.rows}`;
    return { action: 'keep', reason: `kept the summary: it covers ${what}; this run's results stay in the cache (rerun to resume, or --replace-summary to replace it)` };
  }
  return { action: 'write' };
}
