/**
 * The id-ood grid rerun with the best measured recipe (issue #17 item 3), id-ood's default `quick`
 * config since it was complete (config.ts, ID_OOD_PROFILES.quick): every cell of the grid
 * (3 scenarios × q64, q128 × 256 / 1K / 4K / 16K videos) on seeds 1–3, each seed also drawing its
 * model's training videos (`dataPerSeed`), each model trained for RECIPE_GRID_STEPS steps with the
 * recipe of lib/experiments/dit/recipe.ts, its peak rate scaled by width (`lrWidthRef`: q64 at 4e-3,
 * q128 at 2e-3). Its results are id-ood's shipped quick results (data/results/id-ood/quick). It was
 * computed, resumable from the cache, as a non-default run with the same config and unit keys
 * (data/results/id-ood/runs/quick-45ac7611b8d2, moved to the default folder when complete) while
 * the constant-lr grid was the default; that grid, criterion v1's, keeps its shipped results in
 * data/results/id-ood/runs/quick-<hash> (constantLrGridDir).
 *
 * It is judged by criterion v2 (criteria.ts, fixed on 2026-12-04, before this run): a scenario's
 * verdict is shown only once every one of its cells has all its seeds.
 */
import type { Row } from '../core/experiment';
import { hashedResultsDir } from '../core/results-folder';
import { loadSummary } from '../core/summary-files';
import { constantLrQuickConfig, defaultIdOodConfig, IdOodConfig, presetLr } from './config';
import { DIT_PRESETS } from '../../model/presets';
import { verdictV2Markdown } from './criteria';
import { aggregate, floors } from './report';
import { ciOrNull } from '../core/intervals';

/** Seeds of every cell of the quick grid (id-ood's quick default seeds); each draws the model's initialisation, noise and training videos. */
export const RECIPE_GRID_SEEDS: ReadonlyArray<number> = [1, 2, 3];

/** The command that computes (or resumes) the grid: id-ood's default quick run; two processes may share it (units are locked). */
export const RECIPE_GRID_COMMAND = 'npx phylab exp id-ood';

/** The command that recomputes the constant-lr grid (criterion v1's) from the recipe default: the old training settings, headline seeds, one data seed. */
export const CONSTANT_LR_GRID_COMMAND =
  'npx phylab exp id-ood --dataPerSeed=false --seedCells=headline --lrWidthRef=null --train.lr=0.001 --train.warmupSteps=100 --train.lrSchedule=constant --train.minLrRatio=0.1';

/** The constant-lr grid's results folder (data/results/id-ood/runs/quick-<hash of its config and seeds>). */
export function constantLrGridDir(root?: string): string {
  return hashedResultsDir('id-ood', 'quick', constantLrQuickConfig(), RECIPE_GRID_SEEDS, root);
}

/** The constant-lr grid's shipped summary rows (criterion v1's grid); null when absent. */
export function loadConstantLrGrid(root?: string): Row[] | null {
  return loadSummary('id-ood', 'quick', constantLrGridDir(root))?.rows ?? null;
}

export interface RecipeGridProgress {
  scenario: string;
  /** Models with an ID score, of presets × data sizes × seeds. */
  models: number;
  of: number;
  /** Cells (preset × data size) with every seed scored. */
  completeCells: number;
  cells: number;
  /** Every cell has every seed: the scenario's verdict can be shown. */
  complete: boolean;
}

/** How far the grid is, per scenario, from its summary rows. */
export function recipeGridProgress(rows: ReadonlyArray<Row>, c: IdOodConfig = defaultIdOodConfig('quick'), seeds: ReadonlyArray<number> = RECIPE_GRID_SEEDS): RecipeGridProgress[] {
  return c.scenarios.map((scenario) => {
    const scored = new Set(rows.filter((r) => r.scenario === scenario && r.split === 'id' && typeof r.velocityError === 'number').map((r) => `${r.model}/${r.dataSize}/${r.seed}`));
    let models = 0;
    let completeCells = 0;
    for (const p of c.presets) {
      for (const n of c.dataSizes) {
        const have = seeds.filter((s) => scored.has(`${p}/${n}/${s}`)).length;
        models += have;
        if (have === seeds.length) completeCells++;
      }
    }
    const cells = c.presets.length * c.dataSizes.length;
    return { scenario, models, of: cells * seeds.length, completeCells, cells, complete: completeCells === cells };
  });
}

const f3 = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? 'n/a' : x.toFixed(3));

/**
 * Markdown table of every scored cell so far (scenario, preset, data size): seeds scored, ID and OOD
 * velocity error (mean over seeds, 95% t half-width, `n/a` with one seed), OOD/ID and ID over the
 * scenario's ground-truth floor. Numbers only; no verdict (criterion v2 waits for complete scenarios).
 */
export function recipeGridCellsMarkdown(rows: ReadonlyArray<Row>): string {
  const cells = aggregate([...rows]);
  const fl = floors([...rows]);
  const ids = cells.filter((c) => c.group === 'id');
  if (ids.length === 0) return '';
  const head = '| scenario | preset | videos | seeds | ID u/s | ± (95%) | OOD u/s | ± (95%) | OOD / ID | ID / floor |\n|---|---|---|---|---|---|---|---|---|---|';
  const lines = ids.map((c) => {
    const ood = cells.find((o) => o.group === 'ood' && o.scenario === c.scenario && o.model === c.model && o.dataSize === c.dataSize);
    const floor = fl.find((x) => x.scenario === c.scenario && x.group === 'id')?.floor ?? null;
    return `| ${c.scenario} | ${c.model} | ${c.dataSize} | ${c.seeds} | ${f3(c.mean)} | ${f3(ciOrNull(c.ci, c.seeds))} | ${f3(ood?.mean)} | ${ood ? f3(ciOrNull(ood.ci, ood.seeds)) : 'n/a'} | ${ood ? (ood.mean / c.mean).toFixed(1) : 'n/a'} | ${floor ? `${(c.mean / floor).toFixed(1)}x` : 'n/a'} |`;
  });
  return `Cells scored so far (velocity error, \`velocityError\`; mean over the seeds scored; floor: the parser on the true ID clips):\n\n${head}\n${lines.join('\n')}`;
}

/**
 * Markdown: progress per scenario of run (config `c`, seeds `seeds`; default id-ood's quick grid), the
 * cells scored so far, and criterion v2's verdict for each scenario whose every cell has every seed.
 */
export function recipeGridMarkdown(rows: ReadonlyArray<Row> | null, c: IdOodConfig = defaultIdOodConfig('quick'), seeds: ReadonlyArray<number> = RECIPE_GRID_SEEDS): string {
  const lrs = c.presets.map((p) => `${p} ${presetLr(c, DIT_PRESETS[p].hidden)}`).join(', ');
  const head = `**Progress and criterion v2's verdict per scenario** (peak lr ${lrs}; ${c.train.lrSchedule} over ${c.train.steps} steps after ${c.train.warmupSteps} warm-up steps; seeds ${seeds.join(', ')} on ${c.seedCells === 'all' ? 'every cell' : 'the headline cells'}, ${c.dataPerSeed ? 'each seed drawing its training videos' : 'every seed on the same training videos'}): `;
  if (!rows || rows.length === 0) return `${head}not run yet (\`${RECIPE_GRID_COMMAND}\`).`;
  const progress = recipeGridProgress(rows, c, seeds);
  const lines = progress.map((p) => `- ${p.scenario}: ${p.models} of ${p.of} models, ${p.completeCells} of ${p.cells} cells with all ${seeds.length} seeds${p.complete ? '' : ' — no verdict until every cell has them'}`);
  const done = progress.filter((p) => p.complete).map((p) => p.scenario);
  const verdicts = done.length ? `\n\n${verdictV2Markdown(rows.filter((r) => done.includes(String(r.scenario))))}` : '';
  const table = recipeGridCellsMarkdown(rows);
  return `${head}\n\n${lines.join('\n')}${table ? `\n\n${table}` : ''}${verdicts}`;
}
