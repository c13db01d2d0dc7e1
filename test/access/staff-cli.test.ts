import assert from 'node:assert/strict'
import { test } from 'node:test'
import { runStaffCommand, StaffUsageError } from '../../src/access/cli/staff-command.ts'
import { openTestDatabase } from '../helpers/database.ts'

const database = await openTestDatabase()

test('vitrine staff create makes the first operator-admin from a password read from stdin, audited', async () => {
  const out: string[] = []
  await runStaffCommand(['create', '--email', 'First@Example.com', '--role', 'operator-admin'], {
    db: database.db,
    readPassword: async () => 'a password from stdin',
    out: (line) => out.push(line),
  })
  assert.match(out[0]!, /^Created operator-admin first@example\.com/)
  const staff = await database.db.selectFrom('staff').selectAll().executeTakeFirstOrThrow()
  assert.match(staff.password_hash, /^\$argon2id\$/)
  const grants = await database.db.selectFrom('staff_grants').select(['role', 'brand_id']).execute()
  assert.deepEqual(grants, [{ role: 'operator-admin', brand_id: null }])
  const audit = await database.db.selectFrom('audit_log').selectAll().execute()
  assert.deepEqual(
    audit.map((e) => [e.actor_kind, e.actor_id, e.entity_type, e.action]),
    [['system', 'cli', 'staff', 'create']],
  )
})

test('refuses a missing e-mail, an unknown role and a brand-viewer without a brand', async () => {
  const deps = { db: database.db, readPassword: async () => 'a password from stdin', out: () => {} }
  await assert.rejects(runStaffCommand(['create', '--role', 'merchandiser'], deps), StaffUsageError)
  await assert.rejects(runStaffCommand(['create', '--email', 'x@y.z', '--role', 'king'], deps), StaffUsageError)
  await assert.rejects(
    runStaffCommand(['create', '--email', 'v@y.z', '--role', 'brand-viewer'], deps),
    /names one brand/,
  )
  await assert.rejects(
    runStaffCommand(['create', '--email', 'short@y.z', '--role', 'merchandiser'], {
      ...deps,
      readPassword: async () => 'short',
    }),
    /12 to 256/,
  )
})
