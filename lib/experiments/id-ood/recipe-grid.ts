/**
 * The id-ood grid rerun with the best measured recipe (issue #17 item 3): every cell of the `quick`
 * grid (3 scenarios × q64, q128 × 256 / 1K / 4K / 16K videos) on seeds 1–3, each seed also drawing
 * its model's training videos (`dataPerSeed`), each model trained for RECIPE_GRID_STEPS steps with
 * the recipe of lib/experiments/dit/recipe.ts, its peak rate scaled by width (`lrWidthRef`: q64 at
 * 4e-3, q128 at 2e-3, the better peak of each in the e2e trials). It runs as a non-default
 * id-ood run (results in data/results/id-ood/runs/quick-<config hash>), resumable from the cache,
 * scenario by scenario and seed by seed (`seedCells: 'all'`); its finished units ship as they come.
 * When it is complete it becomes id-ood's default `quick` config (the unit keys stay the same).
 *
 * It is judged by criterion v2 (criteria.ts, fixed on 2026-12-04, before this run): a scenario's
 * verdict is shown only once every one of its cells has all three seeds.
 */
import type { Row } from '../core/experiment';
import { hashedResultsDir } from '../core/results-folder';
import { loadSummary } from '../core/summary-files';
import { bestRecipe } from '../dit/recipe';
import { defaultIdOodConfig, IdOodConfig } from './config';
import { verdictV2Markdown } from './criteria';
import { aggregate, floors } from './report';
import { ciOrNull } from '../core/intervals';

/** Seeds of every cell; each draws the model's initialisation, noise and training videos. */
export const RECIPE_GRID_SEEDS: ReadonlyArray<number> = [1, 2, 3];
/** Training steps of each model: the shipped grid's 15,000 (same cost per model), now the end of the cosine. */
export const RECIPE_GRID_STEPS = 15000;
/** Peak learning rate at width RECIPE_GRID_WIDTH_REF (the best recipe's, measured on q64: trials t1/t5, t4/t7). */
export const RECIPE_GRID_LR = 4e-3;
/**
 * The peak rate scales as RECIPE_GRID_LR × 64 / width: q128 trains at 2e-3. Measured before the grid
 * ran (e2e trials t14, q128 on the e2e cell, cosine over 15,000 steps): 2e-3 ended at 0.0725 u/s and
 * 4e-3 at 0.0760, 2e-3 ahead at each of the six evaluations by 2–8%; on q64, 4e-3 was ahead of 2e-3
 * by 5–12% (t5 vs t1, t7 vs t4).
 */
export const RECIPE_GRID_WIDTH_REF = 64;

/** id-ood's quick config with the recipe, every seed on every cell, and per-seed training videos. */
export function recipeGridConfig(): IdOodConfig {
  const c = defaultIdOodConfig('quick');
  return { ...c, train: { ...bestRecipe(c.train, RECIPE_GRID_STEPS), lr: RECIPE_GRID_LR }, dataPerSeed: true, seedCells: 'all', lrWidthRef: RECIPE_GRID_WIDTH_REF };
}

/** The command that computes (or resumes) the grid; two processes may share it (units are locked). */
export const RECIPE_GRID_COMMAND =
  `npx phylab exp id-ood --seeds=${RECIPE_GRID_SEEDS.join(',')} --dataPerSeed=true --seedCells=all --lrWidthRef=${RECIPE_GRID_WIDTH_REF} ` +
  `--train.lr=${RECIPE_GRID_LR} --train.warmupSteps=500 --train.lrSchedule=cosine --train.minLrRatio=0.05`;

/** The grid's results folder (data/results/id-ood/runs/quick-<hash of its config and seeds>). */
export function recipeGridDir(root?: string): string {
  return hashedResultsDir('id-ood', 'quick', recipeGridConfig(), RECIPE_GRID_SEEDS, root);
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
export function recipeGridProgress(rows: ReadonlyArray<Row>, c: IdOodConfig = recipeGridConfig(), seeds: ReadonlyArray<number> = RECIPE_GRID_SEEDS): RecipeGridProgress[] {
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

/** The grid's shipped summary rows; null when nothing has been collected yet. */
export function loadRecipeGrid(root?: string): Row[] | null {
  return loadSummary('id-ood', 'quick', recipeGridDir(root))?.rows ?? null;
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

/** Markdown: the grid's progress per scenario, the cells scored so far, and criterion v2's verdict for each complete scenario. */
export function recipeGridMarkdown(rows: ReadonlyArray<Row> | null): string {
  const head = `**The grid rerun with the recipe** (peak lr ${RECIPE_GRID_LR} × ${RECIPE_GRID_WIDTH_REF} / width: q64 ${RECIPE_GRID_LR}, q128 ${(RECIPE_GRID_LR * RECIPE_GRID_WIDTH_REF) / 128}; cosine over ${RECIPE_GRID_STEPS} steps, seeds ${RECIPE_GRID_SEEDS.join(', ')} on every cell, each seed drawing its training videos): `;
  if (!rows || rows.length === 0) return `${head}not run yet (\`${RECIPE_GRID_COMMAND}\`).`;
  const progress = recipeGridProgress(rows);
  const lines = progress.map((p) => `- ${p.scenario}: ${p.models} of ${p.of} models, ${p.completeCells} of ${p.cells} cells with all ${RECIPE_GRID_SEEDS.length} seeds${p.complete ? '' : ' — no verdict until every cell has them'}`);
  const done = progress.filter((p) => p.complete).map((p) => p.scenario);
  const verdicts = done.length ? `\n\n${verdictV2Markdown(rows.filter((r) => done.includes(String(r.scenario))))}` : '';
  const table = recipeGridCellsMarkdown(rows);
  return `${head}\n\n${lines.join('\n')}${table ? `\n\n${table}` : ''}${verdicts}`;
}
