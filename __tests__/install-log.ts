/** An InstallLog for the buildx install tests (unit and e2e) that keeps every line it is given. */
import type { InstallLog } from '../src/buildx/install.js'

export function recordingLog(): InstallLog & { lines: string[] } {
  const lines: string[] = []
  return {
    lines,
    info: m => lines.push(m),
    warning: m => lines.push(`WARNING ${m}`)
  }
}
