import type { UblDocument } from '../ubl-order.ts'

/** What one delivery attempt gave: ok = the ERP acknowledged (2xx, file renamed into place). */
export interface DeliveryOutcome {
  ok: boolean
  /** '200', '503', 'timeout', 'connect-error', 'renamed', … */
  status: string
  /** The start of the response or the error message, for the attempt log (≤ 500 characters). */
  excerpt?: string
}

export interface Transport {
  send(document: UblDocument, signal?: AbortSignal): Promise<DeliveryOutcome>
  close(): Promise<void>
}

/** A brand's transport as stored in erp_settings.transport (secrets encrypted or `env:NAME`). */
export type TransportConfig =
  | { kind: 'http'; url: string; secret: string; connectTimeoutMs?: number; timeoutMs?: number }
  | { kind: 'file'; directory: string }
  | {
      kind: 'sftp'
      host: string
      port?: number
      username: string
      /** Stored encrypted or as `env:NAME`; one of password / privateKey. */
      password?: string
      privateKey?: string
      directory: string
      /** Expected host key (SHA-256, base64 as `ssh-keygen -l` prints it without "SHA256:"); unset = not checked. */
      hostKeySha256?: string
      timeoutMs?: number
    }

export const excerpt = (text: string): string => text.slice(0, 500)

/** The file name a document gets in a drop folder: sortable, unique per document. */
export function documentFileName(document: UblDocument): string {
  const safeNumber = document.number.replace(/[^A-Za-z0-9-]/g, '_')
  return `${document.type}-${safeNumber}-${document.documentId}.xml`
}
