/**
 * Modules that the CLI normally discovers by listing folders (lib/cli/commands/*.ts,
 * lib/bench/*-bench.ts). A bundle (scripts/pack-gpu.cjs) has no such folders: its entry imports
 * every module statically and registers them here before calling `main`.
 */
export type ModuleKind = 'commands' | 'bench';

const registered: Partial<Record<ModuleKind, unknown[]>> = {};

/** Called by a bundle's entry with the modules it imports, in file-name order. */
export function registerBundledModules(kind: ModuleKind, modules: unknown[]): void {
  registered[kind] = modules;
}

/** The registered modules of a kind, or null when running from source (discover from the folder). */
export function bundledModules(kind: ModuleKind): unknown[] | null {
  return registered[kind] ?? null;
}
