import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { encryptSecret } from '../../src/erp/secrets.ts'
import { fileTransport } from '../../src/erp/transports/file-transport.ts'
import { sftpTransport } from '../../src/erp/transports/sftp-transport.ts'
import type { UblDocument } from '../../src/erp/ubl-order.ts'
import { onTeardown } from '../helpers/teardown.ts'

const doc = (i: number, size = 200_000): UblDocument => ({
  documentId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  type: 'Order',
  number: `TST-${String(i).padStart(6, '0')}`,
  xml: `<?xml version="1.0"?><Order>${'x'.repeat(size)}</Order>\n`,
})

// Registered at the top level, so clean-up runs when the file ends (not when the first test does).
onTeardown(() => {})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vitrine-erp-'))
  onTeardown(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

test('file drop is atomic: a reader polling the folder never sees a partial document', async () => {
  const dir = tempDir()
  const transport = fileTransport({ directory: dir })
  let reading = true
  let checked = 0
  const reader = (async () => {
    while (reading) {
      for (const name of readdirSync(dir)) {
        if (name.startsWith('.') || name.endsWith('.tmp')) continue
        const text = readFileSync(join(dir, name), 'utf8')
        assert.ok(text.endsWith('</Order>\n'), `${name} is complete`)
        checked += 1
      }
      await new Promise((r) => setImmediate(r))
    }
  })()
  for (let i = 0; i < 40; i++) assert.equal((await transport.send(doc(i))).ok, true)
  // Re-delivery replaces the same file: still one file per document.
  assert.equal((await transport.send(doc(0))).ok, true)
  reading = false
  await reader
  const names = readdirSync(dir)
  assert.equal(names.length, 40)
  assert.ok(names.every((n) => /^Order-TST-\d{6}-[0-9a-f-]{36}\.xml$/.test(n)))
  assert.ok(checked > 0)
})

const sshd = '/usr/sbin/sshd'
const noSshd =
  existsSync(sshd) && process.getuid?.() === 0 ? false : 'OpenSSH sshd missing (or not root): SFTP test skipped'
if (noSshd && process.env.CI) throw new Error(noSshd)

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
  })
}

/** A throwaway sshd on a free loopback port with its own host key; stopped when the file ends. */
async function startSshd(): Promise<{ dir: string; target: string; port: number }> {
  const dir = tempDir()
  const target = join(dir, 'drop')
  execFileSync('mkdir', ['-p', target])
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')])
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'client_key')])
  const port = await freePort()
  const config = [
    'ListenAddress 127.0.0.1',
    `Port ${port}`,
    `HostKey ${join(dir, 'host_key')}`,
    `AuthorizedKeysFile ${join(dir, 'client_key.pub')}`,
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PubkeyAuthentication yes',
    'PermitRootLogin yes',
    'StrictModes no',
    'UsePAM no',
    `PidFile ${join(dir, 'sshd.pid')}`,
    'Subsystem sftp internal-sftp',
  ].join('\n')
  writeFileSync(join(dir, 'sshd_config'), `${config}\n`)
  execFileSync('mkdir', ['-p', '/run/sshd'])
  const child = spawn(sshd, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] })
  let log = ''
  child.stderr.on('data', (c: Buffer) => (log += c.toString()))
  onTeardown(() => {
    child.kill('SIGTERM')
    child.stderr.destroy()
    child.unref()
  })
  for (let i = 0; i < 50 && !log.includes('listening'); i++) await new Promise((r) => setTimeout(r, 100))
  assert.ok(log.includes('listening'), `sshd did not start: ${log}`)

  return { dir, target, port }
}

test('SFTP upload to a real OpenSSH sshd lands the document atomically under its final name', {
  skip: noSshd,
}, async () => {
  const { dir, target, port } = await startSshd()
  const transport = sftpTransport({
    host: '127.0.0.1',
    port,
    username: 'root',
    privateKey: encryptSecret(readFileSync(join(dir, 'client_key'), 'utf8')),
    directory: target,
  })
  try {
    for (let i = 0; i < 3; i++) {
      const outcome = await transport.send(doc(i, 1000))
      assert.equal(outcome.ok, true, outcome.excerpt)
    }
    assert.equal((await transport.send(doc(1, 1000))).ok, true, 're-delivery replaces the file')
  } finally {
    await transport.close()
  }
  const names = readdirSync(target).sort()
  assert.equal(names.length, 3)
  assert.ok(names.every((n) => !n.startsWith('.')))
  assert.ok(readFileSync(join(target, names[0]!), 'utf8').endsWith('</Order>\n'))
})

test('SFTP host key pinning: a wrong fingerprint is refused before any upload, the right one works', {
  skip: noSshd,
}, async () => {
  const { dir, target, port } = await startSshd()
  // As an operator gets it: `ssh-keygen -lf host_key.pub` → "256 SHA256:<base64> comment (ED25519)".
  const printed = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', join(dir, 'host_key.pub')], {
    encoding: 'utf8',
  })
  const fingerprint = /SHA256:[A-Za-z0-9+/]{43}/.exec(printed)?.[0]
  assert.ok(fingerprint, printed)
  const other = join(dir, 'other_key')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other])
  const wrong = /SHA256:[A-Za-z0-9+/]{43}/.exec(
    execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${other}.pub`], { encoding: 'utf8' }),
  )![0]
  const privateKey = encryptSecret(readFileSync(join(dir, 'client_key'), 'utf8'))
  const transportWith = (hostKeySha256: string) =>
    sftpTransport({ host: '127.0.0.1', port, username: 'root', privateKey, directory: target, hostKeySha256 })

  const refused = transportWith(wrong)
  try {
    const outcome = await refused.send(doc(1, 100))
    assert.equal(outcome.ok, false)
    assert.equal(outcome.status, 'sftp-error')
    assert.match(outcome.excerpt ?? '', /host|verif/i)
  } finally {
    await refused.close()
  }
  assert.deepEqual(readdirSync(target), [], 'nothing uploaded to an unverified server')

  for (const pinned of [fingerprint, fingerprint.slice('SHA256:'.length)]) {
    const transport = transportWith(pinned)
    try {
      const outcome = await transport.send(doc(2, 100))
      assert.equal(outcome.ok, true, outcome.excerpt)
    } finally {
      await transport.close()
    }
  }
  assert.equal(readdirSync(target).length, 1)
})
