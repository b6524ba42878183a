/**
 * Finding and launching the system's Chromium/Chrome for figure export. playwright-core only
 * drives a browser; it never downloads one. Launch flags are the ones that work headless in
 * containers without a GPU, sandbox or network (see environment-facts.md, "Figures").
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { Browser } from 'playwright-core';
import { ConfigError } from '../config/profile';

/** Flags for headless export (no sandbox: containers; no GPU; no background network traffic). */
export const CHROMIUM_ARGS: ReadonlyArray<string> = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** Places looked at, in order, after $PHYLAB_CHROMIUM. */
export const CHROMIUM_CANDIDATES: ReadonlyArray<string> = [
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/lib/chromium/chromium',
  '/usr/bin/google-chrome-stable',
  '/usr/bin/google-chrome',
  '/snap/bin/chromium',
  '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
  '/Applications/Chromium.app/Contents/MacOS/Chromium',
];

const PATH_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'chrome'];

/** No usable browser: the message says what to install. A ConfigError, so the CLI prints only the message (exit 2). */
export class BrowserNotFoundError extends ConfigError {
  constructor(message: string) {
    super(message);
    this.name = 'BrowserNotFoundError';
  }
}

export const INSTALL_HINT =
  'Install one: Debian `sudo apt-get install chromium`, Ubuntu `sudo apt-get install chromium-browser` (or Google Chrome), ' +
  'Fedora `sudo dnf install chromium`, macOS: Google Chrome; or set PHYLAB_CHROMIUM=/path/to/chrome. ' +
  'phylab never downloads a browser (playwright-core only drives one). Inline display in notebooks does not need it.';

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The Chromium/Chrome executable to use: $PHYLAB_CHROMIUM when set (an error if it is not an
 * executable file), else the first of CHROMIUM_CANDIDATES, else the first match on PATH; null
 * when there is none.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env, candidates: ReadonlyArray<string> = CHROMIUM_CANDIDATES): string | null {
  const forced = env.PHYLAB_CHROMIUM;
  if (forced) {
    if (!isExecutable(forced)) throw new BrowserNotFoundError(`PHYLAB_CHROMIUM=${forced} is not an executable file. Point it at a Chrome/Chromium binary or unset it. ${INSTALL_HINT}`);
    return forced;
  }
  for (const c of candidates) if (isExecutable(c)) return c;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const n of PATH_NAMES) {
      const p = join(dir, n);
      if (isExecutable(p)) return p;
    }
  }
  return null;
}

/** Like findChromium(), but throws BrowserNotFoundError (with install instructions) instead of returning null. */
export function requireChromium(env: NodeJS.ProcessEnv = process.env, candidates: ReadonlyArray<string> = CHROMIUM_CANDIDATES): string {
  const found = findChromium(env, candidates);
  if (found) return found;
  throw new BrowserNotFoundError(
    `No Chromium or Chrome found for figure export (looked at $PHYLAB_CHROMIUM, ${candidates.join(', ') || '(no fixed paths)'} and ${PATH_NAMES.join('/')} on PATH). ${INSTALL_HINT}`,
  );
}

/**
 * Launch headless Chromium through playwright-core (loaded only here, so importing lib/plot stays
 * cheap). Signal handling is left to Node: playwright's own SIGINT handler would exit a notebook
 * kernel on "interrupt", and its SIGTERM handler keeps the process alive. The browser still goes
 * away with the process: playwright kills it on 'exit', and Chromium quits when its pipe closes.
 */
export async function launchChromium(executablePath: string, timeoutMs: number): Promise<Browser> {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { chromium } = require('playwright-core') as typeof import('playwright-core');
  try {
    return await chromium.launch({
      executablePath,
      args: [...CHROMIUM_ARGS],
      headless: true,
      timeout: timeoutMs,
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    });
  } catch (e) {
    const msg = (e as Error).message.split('\n').slice(0, 6).join('\n');
    throw new Error(`could not start ${executablePath} for figure export: ${msg}\n(Set PHYLAB_CHROMIUM to another Chrome/Chromium binary if this one is broken. ${INSTALL_HINT})`);
  }
}
