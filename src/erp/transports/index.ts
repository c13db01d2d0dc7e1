import { fileTransport } from './file-transport.ts'
import { httpTransport } from './http-transport.ts'
import { sftpTransport } from './sftp-transport.ts'
import type { Transport, TransportConfig } from './transport.ts'

export type { DeliveryOutcome, Transport, TransportConfig } from './transport.ts'
export { documentFileName } from './transport.ts'

/** The transport a brand's settings describe. */
export function openTransport(config: TransportConfig): Transport {
  switch (config.kind) {
    case 'http':
      return httpTransport(config)
    case 'file':
      return fileTransport(config)
    case 'sftp':
      return sftpTransport(config)
  }
}
