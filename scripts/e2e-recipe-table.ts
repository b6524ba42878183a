/**
 * Prints the README's e2e recipe table from trial records:
 *   npx tsx scripts/e2e-recipe-table.ts data/bench/e2e 5,10
 * (folder of <name>.json trial records; CPU minutes to compare the trials at).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { E2eTrial } from '../lib/bench/e2e-bench';
import { recipeTable } from '../lib/bench/e2e-table';

const dir = process.argv[2] ?? 'data/bench/e2e';
const at = (process.argv[3] ?? '5,10').split(',').map(Number);
const trials = readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as E2eTrial);
process.stdout.write(recipeTable(trials, at, (t) => `${dir}/${t.name}.json`));
