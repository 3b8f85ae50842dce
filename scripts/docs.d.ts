/** Types for scripts/docs.js (plain ESM JavaScript, imported by the unit tests). */

export interface ActionInput {
  description?: string
  default?: string | number | boolean
  required?: boolean | string
}

export interface ActionOutput {
  description?: string
}

export interface ActionMetadata {
  inputs?: Record<string, ActionInput>
  outputs?: Record<string, ActionOutput>
}

export type Section = 'inputs' | 'outputs'

export const SECTIONS: readonly Section[]
/** The actions whose tables the documentation holds: metadata file, marker prefix, Markdown file. */
export const ACTIONS: readonly { file: string; prefix: string; doc: string }[]
export function parseAction(text: string): ActionMetadata
export function cell(text: string): string
export function code(text: string): string
export function markdownTable(header: readonly string[], rows: readonly (readonly string[])[]): string
export function inputsTable(action: ActionMetadata): string
export function outputsTable(action: ActionMetadata): string
export function renderSection(section: Section, action: ActionMetadata): string
export function markers(section: Section, prefix?: string): { start: string; end: string }
export function readSection(readme: string, section: Section, prefix?: string): string
export function renderReadme(readme: string, action: ActionMetadata, prefix?: string): string
export function staleSections(readme: string, action: ActionMetadata, prefix?: string): Section[]
export function slug(heading: string): string
export function anchors(markdown: string): Set<string>
export function relativeLinks(
  markdown: string
): { line: number; target: string; path: string; anchor: string }[]
export function brokenLinks(
  file: string,
  markdown: string,
  read: (relative: string) => string | undefined
): string[]
export function defaultCell(value: string): string
