/** Types for scripts/action-spec.js (plain ESM JavaScript, imported by the unit tests). */
export const ROOT: string
export const SPEC_FILE: string
export function isList(description: string): boolean
export function renderSpec(
  yamls: { action: string; merge: string; plan: string },
  version: string
): Promise<string>
export function expectedSpec(): Promise<string>
