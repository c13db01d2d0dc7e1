import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'

/**
 * XSD validation against the official UBL 2.4 schemas with Debian's xmllint (libxml2), spawned:
 * the schemas are parsed once per call (~0.1 s), so many documents are validated in one call.
 * The schemas are not shipped with Vitrine: VITRINE_UBL_XSD_DIR, or ../shared/ubl-2.4/xsd beside
 * the repository. Without them (or without xmllint) validation is unavailable and callers say so.
 */
export function ublSchemaDir(): string | null {
  const dir = process.env.VITRINE_UBL_XSD_DIR ?? resolve(import.meta.dirname, '../../../shared/ubl-2.4/xsd')
  return existsSync(join(dir, 'maindoc', 'UBL-Order-2.4.xsd')) ? dir : null
}

export const xmllintPath = ['/usr/bin/xmllint', '/bin/xmllint'].find((p) => existsSync(p)) ?? null

export function xsdAvailable(): boolean {
  return ublSchemaDir() !== null && xmllintPath !== null
}

export interface XsdResult {
  valid: boolean
  /** xmllint's messages for this document (file names replaced by "document"). */
  errors: string[]
}

/** Validates documents of one UBL type (root element name, e.g. 'Order'). */
export async function validateUbl(type: string, documents: readonly string[]): Promise<XsdResult[]> {
  const dir = ublSchemaDir()
  if (!dir || !xmllintPath) throw new Error('UBL XSD validation unavailable (no schema directory or no xmllint)')
  if (!/^[A-Za-z]+$/.test(type)) throw new Error(`invalid UBL type ${type}`)
  const schema = join(dir, 'maindoc', `UBL-${type}-2.4.xsd`)
  if (!existsSync(schema)) throw new Error(`no UBL 2.4 schema for ${type}`)
  const work = await mkdtemp(join(tmpdir(), 'vitrine-xsd-'))
  try {
    const files = documents.map((_, i) => join(work, `doc-${i}.xml`))
    await Promise.all(documents.map((xml, i) => writeFile(files[i]!, xml)))
    const results: XsdResult[] = documents.map(() => ({ valid: true, errors: [] }))
    // Chunks keep the command line short; --nonet: never fetch anything named in a document.
    for (let start = 0; start < files.length; start += 500) {
      const chunk = files.slice(start, start + 500)
      const stderr = await run(xmllintPath, ['--noout', '--nonet', '--schema', schema, ...chunk])
      for (const line of stderr.split('\n')) {
        const match = /doc-(\d+)\.xml/.exec(line)
        if (!match) continue
        const index = Number(match[1])
        const result = results[index]!
        if (line.endsWith(' validates')) continue
        result.valid = false
        if (!line.endsWith('fails to validate')) result.errors.push(line.replace(/^.*?doc-\d+\.xml:?/, 'document:'))
      }
    }
    return results
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

function run(command: string, args: string[]): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    const chunks: Buffer[] = []
    child.stderr.on('data', (c: Buffer) => chunks.push(c))
    child.on('error', reject)
    child.on('close', () => resolveRun(Buffer.concat(chunks).toString('utf8')))
  })
}
