/** Types for scripts/action-spec.js (plain ESM JavaScript, imported by the unit tests). */
export const ROOT: string
export const SPEC_FILE: string
export const MERGE_SPEC_FILE: string
export function renderSpec(actionYaml: string, version: string): Promise<string>
export function expectedSpec(): Promise<string>
export function renderMergeSpec(actionYaml: string): Promise<string>
export function expectedMergeSpec(): Promise<string>
