/**
 * Checks of the build options against the Docker engine, before anything is built: `load` of several
 * platforms needs the containerd image store (the classic store keeps one platform per image name, and
 * buildx would fail only after the whole build).
 */
import type { CommandRunner } from '../core/runner.js'
import { imageStore } from '../docker/engine.js'
import type { Inputs } from '../inputs/inputs.js'

export async function checkLoad(runner: CommandRunner, inputs: Inputs): Promise<void> {
  // With push, one platform is loaded from the registry after the checks (load.ts).
  if (!inputs.buildOptions.load || inputs.push || inputs.platforms.length < 2) return
  const store = await imageStore(runner)
  if (store.containerd) return
  throw new Error(
    `load: the Docker engine keeps images in its classic store (storage driver ${store.driver || 'unknown'}), ` +
      `which cannot hold the ${inputs.platforms.length} platforms of one image. Turn on the containerd image ` +
      'store ("features": {"containerd-snapshotter": true} in daemon.json), load a single platform, or push.'
  )
}
