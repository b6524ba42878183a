/**
 * `phylab export-figure`: re-export a saved plotly figure spec (e.g. `<base>.plotly.json` written
 * by Exporter.save in a notebook) to SVG/PNG/PDF headless, with a fresh JSON sidecar. When the
 * input has a sidecar next to it (`<base>.json`), its config and seed are carried over.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { CommandSpec, UsageError } from '../args';
import { asFigure } from '../../plot/figure';
import { Exporter, ExportFormat } from '../../plot/export';
import { PAPER_PRESETS, PaperSpec } from '../../plot/paper-layout';

const FORMATS: ReadonlyArray<ExportFormat> = ['svg', 'png', 'pdf', 'json'];

function readJson(path: string, what: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UsageError(`${what}: cannot read JSON from ${path}: ${(e as Error).message}`);
  }
}

/** 'out/fig2.plotly.json' → 'fig2'; 'x/fig.json' → 'fig'. */
function baseName(path: string): string {
  return basename(path).replace(/\.plotly\.json$/i, '').replace(/\.json$/i, '');
}

export const command: CommandSpec = {
  name: 'export-figure',
  variadic: true,
  summary: 'export saved plotly figure specs (JSON) to SVG/PNG/PDF with a JSON sidecar (headless Chromium)',
  description:
    'Each --in file is a plotly figure spec {data, layout, config?} (Exporter.save writes one as <base>.plotly.json). ' +
    'Writes <out>/<base>.<format> and <out>/<base>.json (sidecar: config and seed of the original run when its sidecar ' +
    '<base>.json sits next to the input, plus commit, date, size, scale, checksums). Needs Chromium: $PHYLAB_CHROMIUM or ' +
    '/usr/bin/chromium (Debian: apt-get install chromium).',
  order: 70,
  options: [
    { name: 'in', type: 'list', help: 'figure spec JSON file(s), comma-separated' },
    { name: 'out', type: 'string', help: 'output folder', default: '.' },
    { name: 'formats', type: 'list', help: `formats to write, from ${FORMATS.join(',')}`, default: ['svg', 'png', 'pdf'] },
    { name: 'scale', type: 'number', help: 'PNG pixel density (PNG = width·scale × height·scale px)', default: 2, min: 0.1, max: 10 },
    { name: 'width', type: 'integer', help: 'width in px (default: the layout width, else 560)', min: 10, max: 20000 },
    { name: 'height', type: 'integer', help: 'height in px (default: the layout height, else 380)', min: 10, max: 20000 },
    { name: 'name', type: 'string', help: 'output base name (one input only; default: the input name without .plotly.json)' },
    { name: 'paper', type: 'string', choices: ['single', 'double'], help: 're-lay out for a paper column: single = 240 pt wide, double = 500 pt, 8 pt fonts (panels wrap, legend below, PNG scale 4)' },
    { name: 'width-pt', type: 'number', help: 'paper width in pt (instead of or over --paper)', min: 100, max: 2000 },
    { name: 'font-pt', type: 'number', help: 'paper font size in pt (default 8 with --paper/--width-pt)', min: 5, max: 14 },
  ],
  examples: [
    'phylab export-figure --in data/runs/01/figures/fig2.plotly.json --out paper/figs --formats svg,png,pdf --scale 3',
    'phylab export-figure --in a.json,b.json --out figs --formats pdf',
    'phylab export-figure --in data/results/id-ood/quick/figures/fig3-velocity-error.plotly.json --out paper/figs --paper single',
    'phylab export-figure --in fig5.plotly.json --out figs --width-pt 345 --font-pt 9',
  ],
  async run(args) {
    const inputs = (args.options.in as string[] | undefined) ?? args.positionals;
    if (!inputs || inputs.length === 0) throw new UsageError('--in: give at least one figure spec JSON file');
    const formats = args.options.formats as string[];
    const bad = formats.filter((f) => !FORMATS.includes(f as ExportFormat));
    if (bad.length || formats.length === 0) throw new UsageError(`--formats: unknown format ${bad.join(', ') || '(none given)'}; allowed: ${FORMATS.join(', ')}`);
    const name = args.options.name as string | undefined;
    if (name !== undefined && inputs.length > 1) throw new UsageError('--name: only with a single --in file');
    const figs = inputs.map((path) => {
      if (!existsSync(path)) throw new UsageError(`--in: no such file ${path}`);
      let fig;
      try {
        fig = asFigure(readJson(path, '--in'), `--in ${path}`);
      } catch (e) {
        if (e instanceof UsageError) throw e;
        throw new UsageError((e as Error).message);
      }
      const side = path.replace(/\.plotly\.json$/i, '.json');
      const prior = side !== path && existsSync(side) ? (readJson(side, 'sidecar') as Record<string, unknown>) : null;
      return { path, fig, prior };
    });
    const out = args.options.out as string;
    // Never write over an input (e.g. --in fig.json --out . would put the sidecar on fig.json).
    const inputsResolved = new Set(figs.flatMap(({ path }) => [resolve(path), resolve(path.replace(/\.plotly\.json$/i, '.json'))]));
    for (const { path } of figs) {
      const base = join(out, name ?? baseName(path));
      const targets = [...formats.map((f) => `${base}.${f === 'json' ? 'plotly.json' : f}`), `${base}.json`];
      const clash = targets.find((t) => inputsResolved.has(resolve(t)));
      if (clash) throw new UsageError(`--out: writing ${clash} would overwrite an input; choose another --out or --name`);
    }
    const preset = args.options.paper as 'single' | 'double' | undefined;
    const widthPt = args.options['width-pt'] as number | undefined;
    const fontPt = args.options['font-pt'] as number | undefined;
    let paper: PaperSpec | undefined;
    if (preset || widthPt !== undefined || fontPt !== undefined) {
      if (!preset && widthPt === undefined) throw new UsageError('--font-pt: give --paper single|double or --width-pt too');
      if (args.options.width !== undefined || args.options.height !== undefined) throw new UsageError('--width/--height: not with --paper/--width-pt (the paper layout sets the size)');
      const base = preset ? PAPER_PRESETS[preset] : PAPER_PRESETS.single;
      paper = { ...base, ...(widthPt !== undefined ? { widthPt } : {}), ...(fontPt !== undefined ? { fontPt } : {}) };
    }
    const ex = new Exporter();
    try {
      for (const { path, fig, prior } of figs) {
        const base = join(out, name ?? baseName(path));
        const res = await ex.save(fig, base, {
          formats: formats as ExportFormat[],
          scale: paper && args.options.scale === 2 ? undefined : (args.options.scale as number),
          paper,
          width: args.options.width as number | undefined,
          height: args.options.height as number | undefined,
          config: prior?.config ?? null,
          seed: (prior?.seed as number | null | undefined) ?? null,
          extra: { source: path, ...(prior ? { sourceCommit: prior.commit ?? null, sourceDate: prior.date ?? null } : {}) },
        });
        const timing = Object.entries(res.ms).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(', ');
        process.stdout.write(`${path} → ${Object.values(res.files).join(', ')}, ${res.sidecar} (${res.width}×${res.height} px; ${timing})\n`);
      }
    } finally {
      await ex.close();
    }
  },
};
