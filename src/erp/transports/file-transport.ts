import { randomBytes } from 'node:crypto'
import { mkdir, open, rename } from 'node:fs/promises'
import { join } from 'node:path'
import type { UblDocument } from '../ubl-order.ts'
import { type DeliveryOutcome, documentFileName, excerpt, type Transport } from './transport.ts'

/**
 * Drops each document into a directory atomically: written to a hidden `.<name>.<random>.tmp`,
 * flushed to disk, then renamed to its final name (rename is atomic on one file system), so a
 * reader polling the directory never sees a partial file. Re-delivering the same document
 * replaces the file with identical content (the name carries the document UUID).
 */
export function fileTransport(options: { directory: string }): Transport {
  return {
    async close() {},
    async send(document: UblDocument): Promise<DeliveryOutcome> {
      const name = documentFileName(document)
      const temporary = join(options.directory, `.${name}.${randomBytes(4).toString('hex')}.tmp`)
      try {
        await mkdir(options.directory, { recursive: true })
        const handle = await open(temporary, 'w', 0o640)
        try {
          await handle.writeFile(document.xml, 'utf8')
          await handle.sync()
        } finally {
          await handle.close()
        }
        await rename(temporary, join(options.directory, name))
        return { ok: true, status: 'renamed', excerpt: name }
      } catch (error) {
        return { ok: false, status: 'file-error', excerpt: excerpt((error as Error).message) }
      }
    },
  }
}
