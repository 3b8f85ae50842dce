/**
 * The post step: runs after the job's steps whether main succeeded, failed or was cancelled. It removes
 * what main created (builder with its container and state, credentials, temporary files). Problems here
 * are warnings: cleanup never fails a job.
 */
import * as core from '@actions/core'
import * as fs from 'node:fs'
import { removeBuilder } from '../buildx/builder.js'
import { parseBuildxCli, withBuildx } from '../buildx/cli.js'
import { logout, type LoginRestore } from '../docker/login.js'
import { execRunner, type CommandRunner } from '../core/runner.js'
import * as state from './state.js'
import { messageOf } from '../core/errors.js'

export async function runPost(runner: CommandRunner = execRunner): Promise<void> {
  const saved = state.load()
  if (saved.builder) {
    await attempt(`Removing builder ${saved.builder}`, async () => {
      const outcome = await removeBuilder(withBuildx(runner, parseBuildxCli(saved.buildx)), saved.builder)
      core.info(outcome === 'removed' ? 'builder removed' : 'builder was not there (never created)')
    })
  }
  if (saved.loginRestore) {
    await attempt('Removing registry credentials', () => {
      const restore = JSON.parse(saved.loginRestore) as LoginRestore
      logout(restore)
      core.info(`restored ${restore.key} in ${restore.configFile}`)
      return Promise.resolve()
    })
  }
  if (saved.tempDir) {
    await attempt('Removing temporary files', () => {
      fs.rmSync(saved.tempDir, { recursive: true, force: true })
      return Promise.resolve()
    })
  }
}

async function attempt(title: string, fn: () => Promise<void>): Promise<void> {
  await core.group(title, async () => {
    try {
      await fn()
    } catch (error) {
      core.warning(`${title} failed: ${messageOf(error)}`)
    }
  })
}
