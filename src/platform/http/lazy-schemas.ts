import { SerializerSelector } from '@fastify/fast-json-stringify-compiler'
import type { FastifyBaseLogger, FastifyInstance, FastifySchemaCompiler } from 'fastify'
import type { FastifyValidationResult } from 'fastify/types/schema.js'

/**
 * Route schemas compiled on first use rather than while the app starts. Fastify compiles every
 * route's request validators (ajv) and response serializers (fast-json-stringify) as the app
 * becomes ready: ~0.3 s of CPU for Vitrine's ~140 routes and their HEAD twins, the largest cost of
 * a node's start-up once the code is loaded. Deferred, a route compiles its own schemas on its
 * first request (a few ms), and `warmUp` compiles all the others in short slices as soon as the
 * server listens, so they are done well within a second of the node answering /ready.
 *
 * A schema that does not compile then fails its route's requests with a 500 instead of stopping
 * the start; the tests compile every schema of the whole app (`compileAll`) so none ships broken.
 */
export class LazySchemas {
  readonly #pending = new Set<Deferred>()
  #warmed: Promise<void> | null = null
  #stopped = false

  /**
   * Wraps a validator compiler: the returned validator compiles on its first call. (Fastify hands
   * ajv's own functions the parent object too, so they can replace a coerced root value; request
   * parts are objects, coerced and defaulted in place, so the wrapper does without.)
   */
  validator<T>(compile: FastifySchemaCompiler<T>): FastifySchemaCompiler<T> {
    return (route) => {
      const deferred = new Deferred(describe(route), () => compile(route))
      this.#pending.add(deferred)
      let compiled: FastifyValidationResult | undefined
      const validate: FastifyValidationResult = (data) => {
        compiled ??= this.#take(deferred) as FastifyValidationResult
        const result = compiled(data)
        // Fastify reads the errors of a failed validation from the function it was given.
        validate.errors = compiled.errors ?? null
        return result
      }
      return validate
    }
  }

  /** Fastify's `schemaController.compilersFactory.buildSerializer`: fast-json-stringify, compiled on first use. */
  readonly buildSerializer = (externalSchemas?: unknown, options?: object) => {
    const compile = SerializerSelector()(externalSchemas, options)
    return (route: Parameters<typeof compile>[0]) => {
      const deferred = new Deferred(describe(route), () => compile(route))
      this.#pending.add(deferred)
      let compiled: ((data: unknown) => string) | undefined
      return (data: unknown) => {
        compiled ??= this.#take(deferred) as (data: unknown) => string
        return compiled(data)
      }
    }
  }

  /**
   * Compiles what is still pending, in slices of about 10 ms between which requests are served;
   * resolves when nothing is left. A schema that fails is logged (its route answers 500) and the
   * rest carry on.
   */
  warmUp(log: FastifyBaseLogger): Promise<void> {
    this.#warmed ??= new Promise<void>((resolve) => {
      const slice = () => {
        const until = performance.now() + 10
        for (const deferred of this.#pending) {
          if (this.#stopped) break
          try {
            this.#take(deferred)
          } catch (error) {
            log.error({ schema: deferred.name, error: (error as Error).message }, 'a route schema does not compile')
          }
          if (performance.now() > until) {
            setImmediate(slice)
            return
          }
        }
        resolve()
      }
      setImmediate(slice)
    })
    return this.#warmed
  }

  /** How many schemas are still to compile. */
  get pending(): number {
    return this.#pending.size
  }

  /** Compiles every pending schema now; returns the failures (name and message). */
  compileAll(): Array<{ schema: string; error: string }> {
    const failures: Array<{ schema: string; error: string }> = []
    for (const deferred of this.#pending) {
      try {
        this.#take(deferred)
      } catch (error) {
        failures.push({ schema: deferred.name, error: (error as Error).message })
      }
    }
    return failures
  }

  /** Stops a warm-up in progress (the app is closing). */
  stop(): void {
    this.#stopped = true
  }

  #take(deferred: Deferred): unknown {
    this.#pending.delete(deferred)
    return deferred.get()
  }
}

/** A compilation run once; a failure is kept and thrown again on every use, as a compiled one would fail. */
class Deferred {
  #result: { value: unknown } | { error: unknown } | null = null

  constructor(
    readonly name: string,
    private readonly compile: () => unknown,
  ) {}

  get(): unknown {
    if (!this.#result) {
      try {
        this.#result = { value: this.compile() }
      } catch (error) {
        this.#result = { error }
      }
    }
    if ('error' in this.#result) throw this.#result.error
    return this.#result.value
  }
}

function describe(route: { method?: string; url?: string; httpPart?: string; httpStatus?: string }): string {
  return [route.method, route.url, route.httpPart ?? route.httpStatus].filter(Boolean).join(' ')
}

const byApp = new WeakMap<FastifyInstance, LazySchemas>()

/** Installs lazy compilation on an app built with `schemas.buildSerializer` in its schema controller. */
export function useLazySchemas(app: FastifyInstance, schemas: LazySchemas): void {
  byApp.set(app, schemas)
  app.addHook('onListen', function warm() {
    void schemas.warmUp(this.log)
  })
  app.addHook('onClose', () => schemas.stop())
}

/** The app's lazy schemas (tests compile them all: a schema that does not compile fails them). */
export function lazySchemasOf(app: FastifyInstance): LazySchemas | undefined {
  return byApp.get(app)
}
