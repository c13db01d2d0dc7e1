import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { promisify } from 'node:util'

const run = promisify(execFile)
const bin = join(import.meta.dirname, '..', 'bin', 'vitrine.js')

async function vitrine(args: string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { ...process.env, DATABASE_URL: '', ...env },
      timeout: 60_000,
    })
    return { code: 0, stdout, stderr }
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string }
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

describe('the vitrine command', () => {
  test('--help lists every subcommand', async () => {
    const { code, stdout } = await vitrine(['--help'])
    assert.equal(code, 0)
    for (const command of ['serve', 'migrate', 'demo']) assert.match(stdout, new RegExp(`^  ${command} `, 'm'))
  })

  for (const command of ['serve', 'migrate', 'demo']) {
    test(`${command} --help explains the command and exits 0`, async () => {
      const { code, stdout } = await vitrine([command, '--help'])
      assert.equal(code, 0)
      assert.match(stdout, new RegExp(`^Usage: vitrine ${command}`))
    })
  }

  test('an unknown command exits 2 with the usage', async () => {
    const { code, stderr } = await vitrine(['frobnicate'])
    assert.equal(code, 2)
    assert.match(stderr, /Unknown command "frobnicate"/)
    assert.match(stderr, /Usage: vitrine <command>/)
  })

  test('an unknown option exits 2 and shows the command’s help', async () => {
    const { code, stderr } = await vitrine(['serve', '--bogus'])
    assert.equal(code, 2)
    assert.match(stderr, /Usage: vitrine serve/)
  })

  test('migrate creates the embedded database, and a second run finds it up to date', {
    skip: process.env.DATABASE_URL ? 'embedded-only: runs the CLI on a PGlite data directory' : false,
  }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'vitrine-cli-'))
    try {
      const first = await vitrine(['migrate'], { VITRINE_DATA_DIR: dataDir })
      assert.equal(first.code, 0, first.stderr)
      assert.match(first.stdout, /Applied: 0001-core/)
      const second = await vitrine(['migrate'], { VITRINE_DATA_DIR: dataDir })
      assert.equal(second.code, 0, second.stderr)
      assert.match(second.stdout, /Database is up to date/)
    } finally {
      rmSync(dataDir, { recursive: true, force: true })
    }
  })
})
