/**
 * Runs the bundled action (action.yml's main and post entries in dist/) the way the GitHub runner does: INPUT_* variables with
 * action.yml's defaults applied, GITHUB_OUTPUT / GITHUB_STATE / GITHUB_STEP_SUMMARY files, main and then
 * post with the state main saved as STATE_* variables. Shared by the e2e tests and the benchmark, so both
 * measure exactly what a workflow step runs. Plain ESM JavaScript (types in runner-sim.d.ts).
 */
import { spawn } from 'node:child_process'
import * as fs from 'node:fs'
import * as os from 'node:os'
import * as path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

/**
 * @param {string} [actionFile] the action's metadata, relative to the repository (default action.yml)
 * @returns {{ inputs: Record<string, { default?: unknown }>, runs: { main: string, post?: string } }}
 */
function readAction(actionFile = 'action.yml') {
  return parseYaml(fs.readFileSync(path.join(ROOT, actionFile), 'utf8'))
}

/**
 * @param {string} [actionFile] the action's metadata, relative to the repository (default action.yml)
 * @returns {Record<string, string>} the defaults it declares, by input name
 */
export function actionDefaults(actionFile = 'action.yml') {
  const action = readAction(actionFile)
  /** @type {Record<string, string>} */
  const out = {}
  for (const [name, spec] of Object.entries(action.inputs)) {
    // An expression default (`${{ github.token }}`) is the runner's to evaluate; here there is no token.
    if (spec.default !== undefined)
      out[name] = String(spec.default).includes('${{') ? '' : String(spec.default)
  }
  return out
}

/**
 * Parses GITHUB_OUTPUT / GITHUB_STATE files (`name<<delimiter` blocks, or `name=value` lines).
 * @param {string} text
 * @returns {Record<string, string>}
 */
export function parseCommandFile(text) {
  /** @type {Record<string, string>} */
  const out = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? ''
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line)
    if (heredoc?.[1] && heredoc[2]) {
      const value = []
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i] ?? '')
      out[heredoc[1]] = value.join('\n')
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1)
    }
  }
  return out
}

/**
 * The environment without the runner-set variables of whatever process started us.
 * @param {NodeJS.ProcessEnv} source
 */
function outerEnv(source) {
  /** @type {Record<string, string>} */
  const out = {}
  for (const [k, v] of Object.entries(source)) {
    if (v !== undefined && !/^(INPUT_|STATE_|GITHUB_)/.test(k)) out[k] = v
  }
  return out
}

/**
 * A job with one step using the action (or a sub-action: `action: 'merge/action.yml'`, which runs the
 * same bundle; a step whose action declares no post has none).
 * @param {Record<string, string>} inputs
 * @param {Record<string, string>} [extraEnv]
 * @param {{ action?: string }} [options]
 * @returns {import('./runner-sim.js').Job}
 */
export function newJob(inputs, extraEnv = {}, options = {}) {
  const actionFile = options.action ?? 'action.yml'
  const runs = readAction(actionFile).runs
  const base = path.dirname(path.join(ROOT, actionFile))
  // The action's `runs`: the main entry, and the post entry when it declares one.
  const entries = () => ({
    main: path.resolve(base, runs.main),
    post: runs.post === undefined ? undefined : path.resolve(base, runs.post)
  })
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'multiarch-job-'))
  const runnerTemp = path.join(dir, 'runner-temp')
  fs.mkdirSync(runnerTemp)
  const files = {
    output: path.join(dir, 'output'),
    state: path.join(dir, 'state'),
    summary: path.join(dir, 'summary')
  }
  for (const f of Object.values(files)) fs.writeFileSync(f, '')
  /** @type {Record<string, string>} */
  const inputEnv = {}
  for (const [name, value] of Object.entries({ ...actionDefaults(actionFile), ...inputs })) {
    inputEnv[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value
  }
  const baseEnv = {
    ...outerEnv(process.env),
    ...inputEnv,
    GITHUB_ACTIONS: 'true',
    GITHUB_RUN_ID: String(Date.now()),
    GITHUB_WORKSPACE: ROOT,
    RUNNER_TEMP: runnerTemp,
    GITHUB_OUTPUT: files.output,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
    ...extraEnv
  }
  let allLogs = ''
  /**
   * @param {string} entry
   * @param {Record<string, string>} stepEnv
   * @param {{ killAfterMs?: number, killWhen?: RegExp, onLog?: (log: string) => void }} options
   * @returns {Promise<import('./runner-sim.js').StepResult>}
   */
  const step = async (entry, stepEnv, options = {}) => {
    const child = spawn(process.execPath, [entry], {
      cwd: ROOT,
      env: stepEnv,
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let log = ''
    let killed = false
    const kill = () => {
      if (!killed) {
        killed = true
        child.kill('SIGTERM')
      }
    }
    /** @param {Buffer} chunk */
    const onData = chunk => {
      log += chunk.toString()
      if (options.killWhen?.test(log)) kill()
      options.onLog?.(log)
    }
    child.stdout.on('data', onData)
    child.stderr.on('data', onData)
    const timer = options.killAfterMs === undefined ? undefined : setTimeout(kill, options.killAfterMs)
    /** @type {[number, NodeJS.Signals | null]} */
    const [exitCode, signal] = await new Promise(resolve => {
      child.on('close', (code, sig) => {
        resolve([code ?? -1, sig])
      })
    })
    if (timer) clearTimeout(timer)
    allLogs += log
    return {
      exitCode,
      signal,
      log,
      outputs: parseCommandFile(fs.readFileSync(files.output, 'utf8')),
      state: parseCommandFile(fs.readFileSync(files.state, 'utf8')),
      summary: fs.readFileSync(files.summary, 'utf8')
    }
  }
  let posted = false
  /** @returns {Promise<import('./runner-sim.js').StepResult>} */
  const post = async () => {
    posted = true
    const entry = entries().post
    if (entry === undefined)
      return { exitCode: 0, signal: null, log: '', outputs: {}, state: {}, summary: '' }
    /** @type {Record<string, string>} */
    const stateEnv = {}
    for (const [k, v] of Object.entries(parseCommandFile(fs.readFileSync(files.state, 'utf8')))) {
      stateEnv[`STATE_${k}`] = v
    }
    return step(entry, { ...baseEnv, ...stateEnv })
  }
  return {
    dir,
    runnerTemp,
    main: options => step(entries().main, baseEnv, options),
    post,
    // As on GitHub: post runs whatever main's outcome (failed, killed).
    run: async options => ({ main: await step(entries().main, baseEnv, options), post: await post() }),
    logs: () => allLogs,
    finish: async () => {
      try {
        return posted ? undefined : await post()
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    }
  }
}
