/** Types for scripts/action-spec.js (plain ESM JavaScript, imported by the unit tests). */
export const ROOT: string
export const SPEC_FILE: string
export function renderSpec(actionYaml: string, version: string): Promise<string>
export function expectedSpec(): Promise<string>
