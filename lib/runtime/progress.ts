/**
 * A progress bar for long work: done/total, items/s, elapsed and ETA, on stderr.
 * On a terminal it redraws one line; elsewhere (CI logs, notebooks) it prints a line at most
 * every `intervalMs` and at the end, so logs stay short.
 */

import { inNotebook } from './tslab-kernel';

export interface ProgressOptions {
  /** What is being counted, shown before the bar. */
  label: string;
  /** Total number of items (0 or unknown: no bar, no ETA). */
  total: number;
  /** Unit name for the rate, e.g. 'videos', 'steps'. Default 'items'. */
  unit?: string;
  /** Minimum ms between non-terminal log lines. Default 5000. */
  intervalMs?: number;
  /** Where to write. Default process.stderr (process.stdout inside a notebook kernel). */
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Print nothing (tests). Default false. */
  silent?: boolean;
  /** Items already done before this run started (resumed work): excluded from the rate. */
  initial?: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)}s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m}m${String(Math.round(seconds % 60)).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  return `${h}h${String(m % 60).padStart(2, '0')}m`;
}

export class Progress {
  readonly label: string;
  readonly total: number;
  private done_ = 0;
  private readonly initial: number;
  private readonly unit: string;
  private readonly start = Date.now();
  private lastPrint = 0;
  private readonly interval: number;
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly silent: boolean;
  private extra = '';
  private finished = false;

  constructor(opts: ProgressOptions) {
    this.label = opts.label;
    this.total = opts.total;
    this.unit = opts.unit ?? 'items';
    this.interval = opts.intervalMs ?? 5000;
    // In a notebook, stdout: tslab shows stderr as a pink error-like block on every update.
    this.stream = opts.stream ?? (inNotebook() ? process.stdout : process.stderr);
    this.silent = opts.silent ?? process.env.PHYLAB_QUIET === '1';
    this.initial = opts.initial ?? 0;
    this.done_ = this.initial;
    if (!this.silent && !this.stream.isTTY) this.print(true);
  }

  get done(): number {
    return this.done_;
  }

  /** Seconds since start. */
  get elapsed(): number {
    return (Date.now() - this.start) / 1000;
  }

  /** Items per second over this run. */
  get rate(): number {
    const s = this.elapsed;
    return s > 0 ? (this.done_ - this.initial) / s : 0;
  }

  /** Estimated seconds left, or NaN when unknown. */
  get eta(): number {
    const r = this.rate;
    return this.total > 0 && r > 0 ? (this.total - this.done_) / r : NaN;
  }

  /** Advance by `n` items; `extra` is shown at the end of the line (e.g. 'loss 0.123'). */
  tick(n = 1, extra?: string): void {
    this.done_ += n;
    if (extra !== undefined) this.extra = extra;
    if (this.silent) return;
    const now = Date.now();
    const tty = !!this.stream.isTTY;
    if (tty ? now - this.lastPrint > 100 : now - this.lastPrint > this.interval) this.print(false);
  }

  /** Set a status text without advancing. */
  status(extra: string): void {
    this.extra = extra;
  }

  /** Print the final line. */
  finish(extra?: string): void {
    if (this.finished) return;
    this.finished = true;
    if (extra !== undefined) this.extra = extra;
    if (!this.silent) {
      this.print(false);
      if (this.stream.isTTY) this.stream.write('\n');
    }
  }

  line(): string {
    const pct = this.total > 0 ? Math.min(1, this.done_ / this.total) : 0;
    const width = 24;
    const filled = Math.round(pct * width);
    const bar = this.total > 0 ? `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${(pct * 100).toFixed(0).padStart(3)}% ` : '';
    const fmt = (v: number) => (Number.isInteger(v) ? String(v) : v.toFixed(0));
    const count = this.total > 0 ? `${fmt(this.done_)}/${fmt(this.total)}` : `${fmt(this.done_)}`;
    const rate = this.rate;
    const rateText = rate >= 1 || rate === 0 ? `${rate.toFixed(1)} ${this.unit}/s` : `${(1 / rate).toFixed(2)} s/${this.unit.replace(/s$/, '')}`;
    const eta = this.finished || this.done_ >= this.total ? `took ${formatDuration(this.elapsed)}` : `ETA ${formatDuration(this.eta)}`;
    return `${this.label} ${bar}${count} | ${rateText} | ${formatDuration(this.elapsed)} elapsed | ${eta}${this.extra ? ' | ' + this.extra : ''}`;
  }

  private print(first: boolean): void {
    this.lastPrint = Date.now();
    if (first) {
      this.stream.write(`${this.label}: ${this.total > 0 ? this.total + ' ' + this.unit : 'started'}\n`);
      return;
    }
    if (this.stream.isTTY) this.stream.write(`\r\x1b[2K${this.line()}`);
    else this.stream.write(this.line() + '\n');
  }
}
