/**
 * The post step: runs after the job's steps whether main succeeded, failed or was cancelled. It removes
 * what main created (builder with its container and state; the work directory with the run's docker
 * config and credentials, and its temporary files). Problems here are warnings: cleanup never fails a job.
 * With no state from main (main never started), there is nothing to remove: a notice, and nothing else.
 */
import * as fs from 'node:fs'
import { removeBuilder } from '../buildx/builder.js'
import { parseBuildxCli, withBuildx } from '../buildx/buildx-cli.js'
import type { CommandRunner } from '../core/runner.js'
import type { PostReporter } from '../core/reporter.js'
import { PhaseClock } from '../core/phases.js'
import * as state from './state.js'
import { messageOf } from '../core/errors.js'

export interface PostDeps {
  /** Reads the state main saved, and logs. */
  reporter: PostReporter
  runner: CommandRunner
}

export async function runPost({ reporter, runner }: PostDeps): Promise<void> {
  if (!state.mainStarted(reporter)) {
    reporter.notice('The main step saved no state (it did not run): nothing to clean up.', {
      title: 'Post step'
    })
    return
  }
  const saved = state.load(reporter)
  if (!saved.builder && !saved.runnerBuilder && !saved.tempDir) return
  const clock = new PhaseClock(Date.now)
  try {
    await clock.time('post', () => clean(reporter, runner, saved))
  } finally {
    clock.report(reporter)
  }
}

async function clean(reporter: PostReporter, runner: CommandRunner, saved: state.RunState): Promise<void> {
  const attempt = (title: string, fn: () => Promise<void>): Promise<void> => attemptTo(reporter, title, fn)
  // The remote-driver builder first, then the runner's builder it reaches.
  for (const builder of [saved.builder, saved.runnerBuilder]) {
    if (!builder) continue
    await attempt(`Removing builder ${builder}`, async () => {
      const outcome = await removeBuilder(withBuildx(runner, parseBuildxCli(saved.buildx)), builder)
      reporter.info(outcome === 'removed' ? 'builder removed' : 'builder was not there (never created)')
    })
  }
  if (saved.tempDir) {
    await attempt('Removing temporary files and this run’s docker config', () => {
      fs.rmSync(saved.tempDir, { recursive: true, force: true })
      return Promise.resolve()
    })
  }
}

async function attemptTo(reporter: PostReporter, title: string, fn: () => Promise<void>): Promise<void> {
  await reporter.group(title, async () => {
    try {
      await fn()
    } catch (error) {
      reporter.warning(`${title} failed: ${messageOf(error)}`)
    }
  })
}
