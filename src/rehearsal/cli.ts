import { AdminAccessError } from './admin-probe.ts'
import { parseRehearseArgs, RehearseUsageError, rehearseHelp } from './options.ts'
import { type RehearseIo, runRehearsal } from './run-rehearsal.ts'

export { rehearseHelp }

/** `vitrine rehearse`: returns the exit status (0 SLOs met, 1 an SLO missed, 2 usage / target unusable). */
export async function rehearseCommand(args: string[], io?: Partial<RehearseIo>): Promise<number> {
  const err = io?.err ?? ((t: string) => process.stderr.write(t))
  const full: RehearseIo = {
    out: io?.out ?? ((t) => process.stdout.write(t)),
    err,
    tty: io?.tty ?? Boolean(process.stderr.isTTY),
  }
  try {
    const options = parseRehearseArgs(args)
    return (await runRehearsal(options, full)).status
  } catch (error) {
    if (error instanceof RehearseUsageError || error instanceof AdminAccessError) {
      err(`${error.message}\n`)
      return 2
    }
    if ((error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      err(`${(error as Error).message}\n\n${rehearseHelp}`)
      return 2
    }
    throw error
  }
}
