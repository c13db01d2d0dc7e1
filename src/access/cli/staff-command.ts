import { parseArgs } from 'node:util'
import { silentLog } from '../../platform/ctx.ts'
import type { Db } from '../../platform/db/database.ts'
import { isRole } from '../permissions.ts'
import { createStaff } from '../staff/create-staff.ts'

export const staffHelp = `Usage: vitrine staff create --email ADDRESS --role ROLE [--brand SLUG]

Creates a staff account. The password is asked for on a terminal (not echoed, typed twice),
or read from standard input when it is not a terminal:  printf '%s' "$PW" | vitrine staff create …
  --email ADDRESS   the sign-in e-mail
  --role ROLE       operator-admin | merchandiser | customer-service | brand-viewer
  --brand SLUG      the brand of the grant (required for brand-viewer; none = all brands)
  --help            this text

The first operator-admin is made this way: vitrine staff create --email you@example.com --role operator-admin
`

export class StaffUsageError extends Error {}

/** `vitrine staff …`, with its database and password source given, so tests can drive it. */
export async function runStaffCommand(
  args: string[],
  deps: { db: Db; readPassword: () => Promise<string>; out: (line: string) => void },
): Promise<void> {
  const [sub, ...rest] = args
  if (sub !== 'create') throw new StaffUsageError(`unknown staff subcommand "${sub ?? ''}"`)
  const { values } = parseArgs({
    args: rest,
    options: { email: { type: 'string' }, role: { type: 'string' }, brand: { type: 'string' } },
  })
  if (!values.email) throw new StaffUsageError('--email is required')
  if (!values.role || !isRole(values.role)) throw new StaffUsageError('--role must be one of the four roles')
  let brandId: string | null = null
  if (values.brand) {
    const brand = await deps.db.selectFrom('brands').select('id').where('slug', '=', values.brand).executeTakeFirst()
    if (!brand) throw new StaffUsageError(`no brand "${values.brand}"`)
    brandId = brand.id
  }
  const password = await deps.readPassword()
  const created = await createStaff(
    { db: deps.db, now: new Date(), actor: { kind: 'system', name: 'cli' }, log: silentLog },
    { email: values.email, password, grants: [{ role: values.role, brandId }] },
  )
  deps.out(`Created ${values.role} ${created.email} (${created.id})`)
}

/** A password from the terminal (not echoed, asked twice) or from piped standard input. */
export async function readPasswordFromStdin(): Promise<string> {
  const stdin = process.stdin
  if (!stdin.isTTY) {
    const chunks: Buffer[] = []
    for await (const chunk of stdin) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '')
  }
  const first = await promptHidden('Password: ')
  const second = await promptHidden('Password again: ')
  if (first !== second) throw new StaffUsageError('the two passwords differ')
  return first
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin
    process.stdout.write(prompt)
    stdin.setRawMode(true)
    stdin.resume()
    let value = ''
    const onData = (data: Buffer) => {
      for (const ch of data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          done()
          process.stdout.write('\n')
          return resolve(value)
        }
        if (ch === '\u0003') {
          done()
          return reject(new StaffUsageError('cancelled'))
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1)
        else value += ch
      }
    }
    const done = () => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
    }
    stdin.on('data', onData)
  })
}
