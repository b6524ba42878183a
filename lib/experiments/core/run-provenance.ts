/**
 * Where a shipped summary's numbers come from, in words for a notebook: when the summary was
 * written, which commits and backends computed its units, how many models were trained of those
 * planned, and their compute time (from run.json, written by lib/experiments/core/runner.ts).
 */
import type { UnitRecord } from './unit-cache';
import { detailsMarkdown } from '../../plot/display';

/** The `run` object of a summary (run.json), as far as this module reads it. */
export interface RunInfo {
  date?: string;
  commit?: string | null;
  backend?: string | null;
  complete?: boolean;
  units?: Array<Partial<UnitRecord> & { id: string; done: boolean }>;
}

/** Per (commit, backend) the number of finished units, most first. */
export function unitOrigins(run: RunInfo): Array<{ commit: string | null; backend: string | null; units: number }> {
  const counts = new Map<string, { commit: string | null; backend: string | null; units: number }>();
  for (const u of run.units ?? []) {
    if (!u.done) continue;
    const commit = u.commit ?? null;
    const backend = u.backend ?? null;
    const k = `${commit}\u0000${backend}`;
    const c = counts.get(k) ?? { commit, backend, units: 0 };
    c.units++;
    counts.set(k, c);
  }
  return [...counts.values()].sort((a, b) => b.units - a.units);
}

/**
 * Markdown: one readable line (models trained of planned, summary date and commit), with the unit
 * origins, compute time and trained cells folded behind it (`<details>`).
 */
export function runProvenanceMarkdown(name: string, profile: string, run: RunInfo | null): string {
  if (!run) return `**No \`${name}\` summary for profile \`${profile}\` yet.** Run \`npx phylab exp ${name} --profile ${profile}\` (resumable) or set \`RUN = true\` above.`;
  const units = run.units ?? [];
  const trained = units.filter((u) => u.id.startsWith('train/') && u.done);
  const planned = units.filter((u) => u.id.startsWith('train/')).length;
  const hours = trained.reduce((a, u) => a + (u.seconds ?? 0), 0) / 3600;
  const evalMin = units.filter((u) => u.id.startsWith('eval/') && u.done).reduce((a, u) => a + (u.seconds ?? 0), 0) / 60;
  const short = (c: string | null) => (c ? '`' + c.slice(0, 12) + '`' : 'an unrecorded commit');
  const origins = unitOrigins(run).map((o) => `${o.units} at ${short(o.commit)}${o.backend ? ` on ${o.backend.replace(/ —.*$/, '')}` : ''}`);
  const line = `**\`${name}\`** (${profile}): ${trained.length} of ${planned} models trained${run.complete ? '' : ' (incomplete)'}; summary of ${String(run.date ?? '?').slice(0, 10)} at commit ${short(run.commit ?? null)}.`;
  return detailsMarkdown(line, [
    `**\`${name}\`** summary written ${String(run.date ?? '?').slice(0, 16).replace('T', ' ')} UTC at commit ${short(run.commit ?? null)} on ${run.backend ?? 'an unrecorded backend'}.`,
    `**Units computed:** ${origins.join('; ') || 'none yet'} (a unit resumed from a checkpoint counts at the commit that finished it).`,
    `**Models:** ${trained.length} trained of ${planned} planned${run.complete ? '' : ' (incomplete: the rest are not run yet)'}; ` +
      `training ${hours.toFixed(2)} h (${trained.length ? ((hours * 60) / trained.length).toFixed(1) : 'n/a'} min per model, wall time of the last run of each unit), sampling ${evalMin.toFixed(1)} min.`,
    `**Trained:** ${trained.map((u) => '`' + u.id.replace('train/', '') + '`').join(', ') || 'none yet'}`,
  ].join('\n\n'), 'where these numbers come from');
}

/** Top-level config fields whose values differ between a summary's run (`run.config`) and `config` (a field absent from the run counts as differing). */
export function configDrift(run: { config?: unknown } | null, config: object): string[] {
  const rc = (run?.config ?? null) as Record<string, unknown> | null;
  if (!rc) return [];
  const cur = config as Record<string, unknown>;
  return [...new Set([...Object.keys(cur), ...Object.keys(rc)])].filter((k) => JSON.stringify(rc[k]) !== JSON.stringify(cur[k]));
}

/** A note when the shown summary was computed with another config than today's default (empty when they agree). */
export function configDriftMarkdown(name: string, run: { config?: unknown } | null, config: object): string {
  const d = configDrift(run, config);
  if (d.length === 0) return '';
  return `_The \`${name}\` rows shown were computed with another config than today's default (fields that differ: ${d.map((k) => '`' + k + '`').join(', ')}): ` +
    `an earlier run kept until a run of the current config covers as much (\`npx phylab exp ${name}\` resumes it; its finished units are shipped)._`;
}
