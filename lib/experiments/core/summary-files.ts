/** An experiment's summary files: data/results/<experiment>/<profile>/{summary.json, summary.csv, run.json}. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Profile } from '../../config/profile';
import { REPO_ROOT } from '../../runtime/provenance';
import type { Row } from './experiment';
import { readJson, writeJsonAtomic } from './unit-cache';

/** Write summary.json, summary.csv and run.json. */
export function writeSummary(outDir: string, rows: Row[], run: Record<string, unknown>): void {
  mkdirSync(outDir, { recursive: true });
  writeJsonAtomic(join(outDir, 'summary.json'), rows);
  writeFileSync(join(outDir, 'summary.csv'), toCsv(rows));
  writeJsonAtomic(join(outDir, 'run.json'), run);
}

export function toCsv(rows: Row[]): string {
  const cols: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!cols.includes(k)) cols.push(k);
  const esc = (v: unknown) => {
    if (v === null || v === undefined) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [cols.join(','), ...rows.map((r) => cols.map((c) => esc(r[c])).join(','))].join('\n') + '\n';
}

/** Load a shipped or computed summary (rows + run info), or null when absent. */
export function loadSummary(name: string, profile: Profile, outDir?: string): { rows: Row[]; run: Record<string, unknown> } | null {
  const dir = outDir ?? join(REPO_ROOT, 'data', 'results', name, profile);
  const rows = readJson(join(dir, 'summary.json'));
  const run = readJson(join(dir, 'run.json'));
  if (rows === undefined || run === undefined) return null;
  return { rows: rows as Row[], run: run as Record<string, unknown> };
}
