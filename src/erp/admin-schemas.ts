import { Type } from 'typebox'
import { DateTime, Nullable } from '../platform/http/schemas.ts'

/** Request and response schemas of the ERP admin API (src/erp/admin-routes.ts). */

const Secret = Type.String({
  minLength: 1,
  maxLength: 20_000,
  description:
    'Stored encrypted (AES-256-GCM); `env:NAME` stores a reference instead. Leave out to keep the current one.',
})
const Timeout = (max: number) => Type.Integer({ minimum: 100, maximum: max })

export const TransportInput = Type.Union([
  Type.Object(
    {
      kind: Type.Literal('http'),
      url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: 2000 }),
      secret: Type.Optional(Secret),
      connectTimeoutMs: Type.Optional(Timeout(30_000)),
      timeoutMs: Type.Optional(Timeout(120_000)),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('file'), directory: Type.String({ pattern: '^/', minLength: 2, maxLength: 1000 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('sftp'),
      host: Type.String({ pattern: '^[A-Za-z0-9.:\\[\\]-]+$', maxLength: 255 }),
      port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
      username: Type.String({ minLength: 1, maxLength: 100 }),
      password: Type.Optional(Secret),
      privateKey: Type.Optional(Secret),
      directory: Type.String({ pattern: '^/', minLength: 1, maxLength: 1000 }),
      hostKeySha256: Type.String({
        pattern: '^(SHA256:)?[A-Za-z0-9+/]{43}=?$',
        description: 'The server host key fingerprint as `ssh-keygen -lf key.pub` prints it (SHA256:…); required',
      }),
      timeoutMs: Type.Optional(Timeout(120_000)),
    },
    { additionalProperties: false },
  ),
])

const MappingFields = {
  buyerPartyId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  sellerPartyId: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  warehouseCode: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  itemId: Type.Optional(Type.Union([Type.Literal('sku'), Type.Literal('gtin')])),
}

export const SettingsInput = Type.Object(
  {
    transport: Type.Optional(Nullable(TransportInput)),
    mapping: Type.Optional(Type.Object(MappingFields, { additionalProperties: false })),
    maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  },
  { additionalProperties: false },
)

export const SettingsView = Type.Object({
  transport: Nullable(
    Type.Object(
      { kind: Type.String() },
      {
        additionalProperties: true,
        description:
          'The transport without its secrets: each secret shows as {set, source} ("encrypted" or its env:NAME)',
      },
    ),
  ),
  mapping: Type.Object(MappingFields),
  paused: Type.Boolean(),
  maxAttempts: Type.Integer(),
})

export const DeliveryState = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')])

export const DeliveryView = Type.Object({
  id: Type.Integer(),
  topic: Type.String(),
  orderId: Type.String(),
  documentId: Type.String(),
  state: Type.String(),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String()),
  createdAt: DateTime,
  availableAt: DateTime,
  deliveredAt: Nullable(DateTime),
})

export const AttemptView = Type.Object({
  at: DateTime,
  durationMs: Type.Integer(),
  ok: Type.Boolean(),
  status: Type.String(),
  excerpt: Nullable(Type.String()),
})

const LineError = Type.Object({ line: Nullable(Type.Integer()), reason: Type.String() })

export const InboundView = Type.Object({
  id: Type.String(),
  documentType: Type.String(),
  documentId: Type.String(),
  receivedAt: DateTime,
  receivedBy: Type.String(),
  source: Type.String(),
  fileName: Nullable(Type.String()),
  outcome: Type.String(),
  summary: Type.Record(Type.String(), Type.Unknown()),
  errors: Type.Array(LineError),
})

export const OrderErpView = Type.Object({
  orderId: Type.String(),
  deliveries: Type.Array(DeliveryView),
  responses: Type.Array(
    Type.Object({
      documentId: Type.String(),
      response: Type.String(),
      code: Nullable(Type.String()),
      note: Nullable(Type.String()),
      lines: Type.Array(Type.Object({ line: Type.String(), status: Type.String(), note: Nullable(Type.String()) })),
      receivedAt: DateTime,
    }),
  ),
  shipments: Type.Array(
    Type.Object({
      documentId: Type.String(),
      carrier: Nullable(Type.String()),
      tracking: Nullable(Type.String()),
      shippedAt: DateTime,
      lines: Type.Array(
        Type.Object({ lineNo: Type.Optional(Type.Integer()), sku: Type.String(), quantity: Type.Integer() }),
      ),
    }),
  ),
})

export const MetricsView = Type.Object({
  at: DateTime,
  windowMinutes: Type.Integer(),
  brands: Type.Array(
    Type.Object({
      brandId: Type.String(),
      slug: Type.String(),
      paused: Type.Boolean(),
      outboxDepth: Type.Integer(),
      oldestPendingAgeS: Type.Integer(),
      deadLetters: Type.Integer(),
      attempts: Type.Integer(),
      failedAttempts: Type.Integer(),
      delivered: Type.Integer(),
      latencyP50S: Nullable(Type.Number()),
      latencyP99S: Nullable(Type.Number()),
    }),
  ),
})
