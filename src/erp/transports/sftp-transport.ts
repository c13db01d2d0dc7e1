import { createHash } from 'node:crypto'
import type SftpClient from 'ssh2-sftp-client'
import { resolveSecret } from '../secrets.ts'
import type { UblDocument } from '../ubl-order.ts'
import { type DeliveryOutcome, documentFileName, excerpt, type Transport } from './transport.ts'

export interface SftpTransportOptions {
  host: string
  port?: number
  username: string
  password?: string
  privateKey?: string
  directory: string
  hostKeySha256?: string
  timeoutMs?: number
}

/**
 * Uploads each document over SFTP with the same atomic layout as the file drop: put to a hidden
 * `.name.tmp`, then rename (OpenSSH's posix-rename, which replaces an existing file, so a
 * re-delivery is harmless). One connection is opened lazily and reused for a batch.
 */
export function sftpTransport(options: SftpTransportOptions): Transport {
  let client: SftpClient | null = null
  let connecting: Promise<SftpClient> | null = null

  const connect = (): Promise<SftpClient> => {
    if (client) return Promise.resolve(client)
    connecting ??= (async () => {
      // Loaded on first use: ssh2 is ~50 ms of every process's start-up, and few brands use SFTP.
      const { default: Client } = await import('ssh2-sftp-client')
      const c = new Client('vitrine-erp')
      const expected = options.hostKeySha256?.replace(/^SHA256:/, '').replace(/=+$/, '')
      await c.connect({
        host: options.host,
        port: options.port ?? 22,
        username: options.username,
        readyTimeout: options.timeoutMs ?? 10_000,
        ...(options.password ? { password: resolveSecret(options.password) } : {}),
        ...(options.privateKey ? { privateKey: resolveSecret(options.privateKey) } : {}),
        ...(expected
          ? {
              hostVerifier: (key: Buffer) =>
                createHash('sha256').update(key).digest('base64').replace(/=+$/, '') === expected,
            }
          : {}),
      })
      client = c
      return c
    })().finally(() => {
      connecting = null
    })
    return connecting
  }

  return {
    async close() {
      const c = client
      client = null
      if (c) await c.end().catch(() => {})
    },
    async send(document: UblDocument): Promise<DeliveryOutcome> {
      const name = documentFileName(document)
      const dir = options.directory.replace(/\/+$/, '')
      try {
        const c = await connect()
        const temporary = `${dir}/.${name}.tmp`
        await c.put(Buffer.from(document.xml, 'utf8'), temporary)
        await c.posixRename(temporary, `${dir}/${name}`)
        return { ok: true, status: 'renamed', excerpt: name }
      } catch (error) {
        // A broken connection is reopened on the next attempt.
        await this.close()
        return { ok: false, status: 'sftp-error', excerpt: excerpt((error as Error).message) }
      }
    },
  }
}
