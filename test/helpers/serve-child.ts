import type { ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'

export interface ServingChild {
  port: number
  /** Every line the child wrote so far, stdout and stderr (kept growing; quoted in failures). */
  lines: string[]
  exited: Promise<number | null>
}

/**
 * Waits for a spawned `vitrine serve` (stdout and stderr piped) to print its banner, and returns
 * the port it listens on. Fails with the child's output if it exits first or is still silent
 * after `timeoutMs`.
 */
export function untilServing(child: ChildProcess, timeoutMs: number): Promise<ServingChild> {
  const lines: string[] = []
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
  createInterface({ input: child.stderr! }).on('line', (line) => lines.push(line))
  return new Promise<ServingChild>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`not serving after ${timeoutMs / 1000} s:\n${lines.join('\n')}`)),
      timeoutMs,
    )
    void exited.then((code) => reject(new Error(`exited ${code} before serving:\n${lines.join('\n')}`)))
    createInterface({ input: child.stdout! }).on('line', (line) => {
      lines.push(line)
      const match = line.match(/^Vitrine is serving on http:\/\/[^:]+:(\d+)/)
      if (match) {
        clearTimeout(timer)
        resolve({ port: Number(match[1]), lines, exited })
      }
    })
  })
}
