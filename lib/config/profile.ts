/**
 * The three scales every experiment, CLI command and notebook understands
 * (../shared/docs/findings.md):
 * - `smoke`: tests and CI; tiny clips and models, seconds per experiment, numbers mean nothing.
 * - `quick`: the default on a CPU machine; 16 px, 8 frames, small models; hours, not days.
 * - `paper`: the paper's own scale (128 px, 32 frames, DiT-S/B/L); needs a GPU.
 */
export const PROFILES = ['smoke', 'quick', 'paper'] as const;
export type Profile = (typeof PROFILES)[number];

/** The profile used when none is given. */
export const DEFAULT_PROFILE: Profile = 'quick';

export function parseProfile(value: string | undefined, param = 'profile'): Profile {
  if (value === undefined || value === '') return DEFAULT_PROFILE;
  if ((PROFILES as readonly string[]).includes(value)) return value as Profile;
  throw new ConfigError(`${param}: unknown profile '${value}'; allowed: ${PROFILES.join(', ')}`);
}

/** A user-facing configuration mistake: the CLI prints its message alone, no stack trace. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
