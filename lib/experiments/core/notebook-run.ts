/**
 * The glue every finding notebook needs around an experiment (issue #16 item 5): whether it runs
 * the experiment here or loads the shipped summary, the folded config header, run-or-load into
 * rows and a results folder, and the compute-per-unit-kind table (the "Exported: …" note is
 * plot.exportedMarkdown, the reference lines' colours plot/roles.ts). The notebooks keep the
 * story, the calls into their experiment's report and the figures.
 */
import type { Profile } from '../../config/profile';
import { detailsMarkdown } from '../../plot/display';
import { initBackend } from '../../runtime/backend';
import type { Experiment, Row } from './experiment';
import { runExperiment } from './runner';
import { loadSummary } from './summary-files';

/**
 * Run the experiment in the notebook (true) or load its summary (false): always in `smoke`
 * (seconds to a minute), else only when PHYLAB_RUN=1 (hours at quick scale; the CLI
 * `phylab exp <name>` is the usual way, and the notebook then loads what it wrote).
 */
export function runsHere(profile: Profile, env: NodeJS.ProcessEnv = process.env): boolean {
  return profile === 'smoke' || env.PHYLAB_RUN === '1';
}

/** The folded header: profile, seeds, run or load, and the resolved config(s) as JSON. */
export function configHeaderMarkdown(profile: Profile, seeds: number[], run: boolean, configs: Record<string, unknown> | unknown, opts: { plural?: boolean; label?: string } = {}): string {
  const what = run ? `running the experiment${opts.plural ? 's' : ''} here` : `loading the cached summar${opts.plural ? 'ies' : 'y'}`;
  const body = opts.plural
    ? Object.entries(configs as Record<string, unknown>).map(([name, c]) => '`' + name + '`:\n```json\n' + JSON.stringify(c, null, 1) + '\n```').join('\n')
    : '```json\n' + JSON.stringify(configs, null, 1) + '\n```';
  return detailsMarkdown('**profile** `' + profile + '` · seeds ' + seeds.join(', ') + ' · ' + what, body, opts.label ?? 'the resolved config');
}

export interface NotebookResults {
  rows: Row[];
  /** The summary's run.json (provenance, per-unit times); null when there is no summary yet. */
  run: Record<string, any> | null;
  /** The results folder, relative to the repo root for the shipped one: data/results/<name>/<profile>, or the run's own folder. */
  dir: string;
  /** `${dir}/figures`: where the notebook exports its figures and tables. */
  figDir: string;
}

/**
 * Rows and run info of an experiment: computed here (`run`: the backend is started and
 * `runExperiment` resumes from the cache; a non-default config writes its own folder) or loaded
 * from the shipped summary (empty rows when there is none).
 */
export async function runOrLoad<C>(exp: Experiment<C>, config: C, opts: { profile: Profile; seeds: number[]; run: boolean }): Promise<NotebookResults> {
  if (opts.run) {
    await initBackend({ quiet: true });
    const res = await runExperiment(exp, config, { profile: opts.profile, seeds: opts.seeds, silent: true });
    const run = (loadSummary(exp.name, opts.profile, res.outDir)?.run ?? null) as Record<string, any> | null;
    return { rows: res.rows, run, dir: res.outDir, figDir: `${res.outDir}/figures` };
  }
  const dir = `data/results/${exp.name}/${opts.profile}`;
  const s = loadSummary(exp.name, opts.profile);
  return { rows: s?.rows ?? [], run: (s?.run ?? null) as Record<string, any> | null, dir, figDir: `${dir}/figures` };
}

/** A type alias (not an interface) so that it is a table row (Record<string, unknown>) for plot.showTable. */
export type UnitTimeRow = {
  unit: string;
  done: number;
  planned: number;
  minutesEach: number | null;
  minutesTotal: number;
};

/** Compute per unit kind (the id's first segment: train, eval, …) from a run.json's units: minutes each and in total. */
export function unitTimeTable(run: Record<string, any> | null): UnitTimeRow[] {
  const units: Array<{ id: string; seconds?: number; done?: boolean }> = run?.units ?? [];
  const kinds = [...new Set(units.map((u) => u.id.split('/')[0]))];
  return kinds.map((k) => {
    const of = units.filter((u) => u.id.split('/')[0] === k);
    const s = of.filter((u) => u.done).map((u) => u.seconds ?? 0);
    return { unit: k, done: s.length, planned: of.length, minutesEach: s.length ? s.reduce((a, b) => a + b, 0) / s.length / 60 : null, minutesTotal: s.reduce((a, b) => a + b, 0) / 60 };
  });
}

/** "Total: **X min** of compute for D of N units." under the table. */
export function unitTimeTotalMarkdown(run: Record<string, any> | null): string {
  const units: Array<{ done?: boolean }> = run?.units ?? [];
  const total = unitTimeTable(run).reduce((a, t) => a + t.minutesTotal, 0);
  return `Total: **${total.toFixed(1)} min** of compute for ${units.filter((u) => u.done).length} of ${units.length} units.`;
}
