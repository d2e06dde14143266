/**
 * Reads a boolean environment flag: "true"/"1"/"yes"/"on" (any case) is on, anything else off.
 * Configuration parsing, not a domain rule, so it lives with the contracts.
 */
export function envFlag(value: string | undefined): boolean {
  return /^(true|1|yes|on)$/i.test((value ?? '').trim());
}
