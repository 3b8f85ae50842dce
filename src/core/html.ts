/**
 * A small HTML builder for the job summary: headings, lists, tables and raw fragments, each on its own
 * line. The text it is given is HTML already (callers escape what they take from inputs or registries).
 */

/** A table cell: its HTML, and whether it is a header cell. */
export type Cell = string | { data: string; header?: boolean }

export class SummaryHtml {
  private readonly parts: string[] = []

  heading(text: string, level = 2): this {
    return this.raw(`<h${level}>${text}</h${level}>`)
  }

  list(items: readonly string[]): this {
    return this.raw(`<ul>${items.map(item => `<li>${item}</li>`).join('')}</ul>`)
  }

  table(rows: readonly (readonly Cell[])[]): this {
    const row = (cells: readonly Cell[]): string =>
      `<tr>${cells.map(cell => (typeof cell === 'string' ? `<td>${cell}</td>` : tableCell(cell))).join('')}</tr>`
    return this.raw(`<table>${rows.map(row).join('')}</table>`)
  }

  raw(html: string): this {
    this.parts.push(html)
    return this
  }

  /** The fragments, one a line, ending with a newline. */
  toString(): string {
    return this.parts.map(part => `${part}\n`).join('')
  }
}

/** Text (from inputs, registries, commands) made safe to put into the summary's HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`)
}

function tableCell(cell: { data: string; header?: boolean }): string {
  const tag = cell.header ? 'th' : 'td'
  return `<${tag}>${cell.data}</${tag}>`
}
