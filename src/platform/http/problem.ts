import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppError, problemTitles } from '../errors.ts'

/** RFC 9457 problem document. `type` resolves to /problems/<code> on this server. */
export interface Problem {
  type: string
  title: string
  status: number
  detail: string
  instance?: string
  [extension: string]: unknown
}

export const problemContentType = 'application/problem+json; charset=utf-8'

export function problem(
  code: string,
  status: number,
  detail: string,
  extensions: Record<string, unknown> = {},
): Problem {
  return { type: `/problems/${code}`, title: problemTitles[code] ?? code, status, detail, ...extensions }
}

export function sendProblem(reply: FastifyReply, body: Problem): FastifyReply {
  return reply.code(body.status).type(problemContentType).header('cache-control', 'no-store').send(body)
}

/** Fastify's own client errors, mapped to stable codes (their messages are safe to show). */
const fastifyCodes: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'malformed-request',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'malformed-request',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'malformed-request',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload-too-large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported-media-type',
  FST_ERR_CTP_INVALID_TYPE: 'unsupported-media-type',
  FST_ERR_VALIDATION: 'validation',
}

/**
 * One place turns every error into application/problem+json. Expected errors (AppError, schema
 * validation, Fastify's client errors) say what was wrong; anything else is a 500 that says only
 * "internal error" and a request id to quote, never a stack trace or SQL.
 */
export function registerProblemHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    if (error instanceof AppError) {
      return sendProblem(reply, problem(error.code, error.status, error.message, error.extensions))
    }
    if (error.validation) {
      const errors = error.validation.map((v) => {
        const path = `${error.validationContext ?? 'body'}${v.instancePath || ''}`
        const unknownField =
          v.keyword === 'additionalProperties'
            ? (v.params as { additionalProperty?: string }).additionalProperty
            : undefined
        return unknownField
          ? { path: `${path}/${unknownField}`, message: 'is not a known field' }
          : { path, message: v.message ?? 'is invalid' }
      })
      const detail = errors[0] ? `${errors[0].path} ${errors[0].message}` : 'The request is not valid'
      return sendProblem(reply, problem('validation', 400, detail, { errors }))
    }
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      const code = fastifyCodes[error.code] ?? (status === 429 ? 'rate-limited' : 'malformed-request')
      return sendProblem(reply, problem(code, status, error.message))
    }
    request.log.error({ err: error }, 'unhandled error')
    return sendProblem(
      reply,
      problem('internal', 500, 'Something went wrong on our side. Quote this request id if you contact us.', {
        requestId: request.id,
      }),
    )
  })

  app.setNotFoundHandler((request, reply) => {
    sendProblem(reply, problem('not-found', 404, `No route for ${request.method} ${request.url.split('?')[0]}`))
  })

  app.get('/problems/:code', { schema: { hide: true } }, async (request, reply) => {
    const { code } = request.params as { code: string }
    const title = problemTitles[code]
    if (!title) return sendProblem(reply, problem('not-found', 404, 'Unknown problem type'))
    return reply.type('text/plain; charset=utf-8').send(`${code}: ${title}\n`)
  })
}
