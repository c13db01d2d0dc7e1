import { Type } from 'typebox'
import { tokenPattern, uuidPattern } from '../ids.ts'

/** Schemas shared by the JSON routes. Objects are closed: unknown fields are a 400. */
/** A schema or null: optional values in responses are null, never absent. */
export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()])

export const Uuid = Type.String({ pattern: uuidPattern, maxLength: 36 })
export const CartToken = Type.String({ pattern: tokenPattern, maxLength: 32 })
export const Slug = Type.String({ pattern: '^[a-z0-9]([a-z0-9-]{0,38}[a-z0-9])?$', maxLength: 40 })
export const MinorUnits = Type.Integer({ minimum: 0, maximum: 100_000_000_00 })

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
  },
  { additionalProperties: true, $id: 'Problem' },
)

/** Problem responses for the statuses a route can answer with. */
export function problems(...statuses: number[]): Record<number, typeof ProblemSchema> {
  return Object.fromEntries(statuses.map((s) => [s, ProblemSchema]))
}

export const Image = Type.Object(
  { url: Type.String({ maxLength: 2000 }), alt: Type.String({ maxLength: 500 }) },
  { additionalProperties: false },
)

/** An instant in a response: a Date in code, an RFC 3339 string on the wire. */
export const DateTime = Type.Unsafe<Date>({ type: 'string', format: 'date-time' })
