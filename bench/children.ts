import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'

/** A server in a child process, listening on 127.0.0.1:`port`. */
export interface ServerChild {
  name: string
  port: number
  pid: number
  stop(): Promise<void>
}

const running = new Set<ChildProcess>()

// Last resort: whatever path ends this process, no server is left behind (SIGKILL cannot be
// caught, so the children also exit when their stdin closes — see server-process.ts).
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL')
})

/**
 * Starts `bench/<script>` with `node --import tsx` (as the project runs TypeScript) and waits for
 * the JSON line `{"port": n}` it prints once listening.
 */
export function startServerChild(
  name: string,
  script: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<ServerChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script), ...args], {
    cwd: join(import.meta.dirname, '..'),
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  running.add(child)
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  void exited.then(() => running.delete(child))

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }

  return new Promise<ServerChild>((resolve, reject) => {
    let settled = false
    const fail = (reason: string) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(new Error(`${name} server: ${reason}`))
    }
    const timer = setTimeout(() => fail(`not listening after ${timeoutMs / 1000} s`), timeoutMs)
    child.once('exit', (code, signal) => fail(`exited (${signal ?? code}) before listening`))
    child.once('error', (error) => fail(error.message))
    const lines = createInterface({ input: child.stdout! })
    lines.on('line', (line) => {
      let port: unknown
      try {
        port = (JSON.parse(line) as { port?: unknown }).port
      } catch {
        process.stdout.write(`[${name}] ${line}\n`)
        return
      }
      if (typeof port !== 'number' || settled) return
      settled = true
      clearTimeout(timer)
      resolve({ name, port, pid: child.pid!, stop })
    })
  })
}

/** Kills every child still running (failure paths). */
export async function stopAllChildren(): Promise<void> {
  for (const child of running) child.kill('SIGTERM')
  const deadline = Date.now() + 5000
  while (running.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  for (const child of running) child.kill('SIGKILL')
}
