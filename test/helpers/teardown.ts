import { after } from 'node:test'

const steps: Array<() => Promise<void> | void> = []

/**
 * Registers clean-up for the end of the test file, run in reverse order of registration (the
 * server closes before the database it uses), whatever the order node:test would pick.
 */
export function onTeardown(step: () => Promise<void> | void): void {
  if (steps.length === 0) {
    after(async () => {
      for (const s of steps.reverse()) await s()
    })
  }
  steps.push(step)
}
