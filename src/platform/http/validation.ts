import { Ajv, type AnySchema, type Options } from 'ajv'
import addFormatsModule from 'ajv-formats'
import type { FastifyInstance } from 'fastify'
import type { LazySchemas } from './lazy-schemas.ts'

// ajv-formats is CommonJS; under ESM its function may sit on .default.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv

const shared: Options = { removeAdditional: false, useDefaults: true, allErrors: false, strict: false }

/**
 * Request validation with two validators. Query strings, path parameters and headers are text,
 * so they are coerced to the schema's types ("2" → 2). JSON bodies are not: `"quantity": "2"` or
 * `true` is a client bug we report, not guess at. Unknown fields are an error in both.
 */
export function useStrictValidation(app: FastifyInstance, lazy: LazySchemas): void {
  const forText = addFormats(new Ajv({ ...shared, coerceTypes: 'array' }))
  const forBody = addFormats(new Ajv({ ...shared, coerceTypes: false }))
  app.setValidatorCompiler(
    lazy.validator<AnySchema>(({ schema, httpPart }) => (httpPart === 'body' ? forBody : forText).compile(schema)),
  )
}
