import type { Log } from '../platform/ctx.ts'
import type { Database } from '../platform/db/database.ts'
import { listen } from '../platform/db/notifications.ts'
import type { Brand } from './brand.ts'
import { brandChangedChannel, loadAllBrands } from './queries.ts'

/**
 * Every brand, held in memory: resolving a request's brand is a map lookup, not a query. It is
 * reloaded when any process announces a change (NOTIFY at commit) and, as a safety net against a
 * lost notification, every `safetyRefreshMs`.
 */
export class BrandDirectory {
  private byHostName = new Map<string, Brand>()
  private bySlugName = new Map<string, Brand>()
  private byIdentifier = new Map<string, Brand>()
  private unlisten: (() => Promise<void>) | null = null
  private timer: NodeJS.Timeout | null = null
  private loading: Promise<void> | null = null

  constructor(
    private readonly database: Database,
    private readonly log: Log,
  ) {}

  async start(safetyRefreshMs = 30_000): Promise<void> {
    await this.refresh()
    this.unlisten = await listen(this.database, brandChangedChannel, () => void this.refresh(), this.log)
    this.timer = setInterval(() => void this.refresh(), safetyRefreshMs)
    this.timer.unref()
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    await this.unlisten?.()
  }

  /** Reloads all brands; concurrent callers share one load. */
  refresh(): Promise<void> {
    if (!this.loading) {
      this.loading = loadAllBrands(this.database.db)
        .then((brands) => this.replace(brands))
        .catch((error: unknown) => this.log.error({ err: error }, 'could not reload brands'))
        .finally(() => {
          this.loading = null
        })
    }
    return this.loading
  }

  /**
   * The brand served at a Host header: `<slug>.localhost` always maps to the brand with that slug
   * (browsers resolve *.localhost to loopback, so every demo shop works with no DNS set-up);
   * otherwise the brand's registered host names.
   */
  byHost(hostHeader: string | undefined): Brand | null {
    if (!hostHeader) return null
    const host = stripPort(hostHeader.toLowerCase())
    const registered = this.byHostName.get(host)
    if (registered) return registered
    if (host.endsWith('.localhost')) {
      return this.bySlugName.get(host.slice(0, -'.localhost'.length)) ?? null
    }
    return null
  }

  bySlug(slug: string): Brand | null {
    return this.bySlugName.get(slug) ?? null
  }

  byId(id: string): Brand | null {
    return this.byIdentifier.get(id) ?? null
  }

  all(): Brand[] {
    return [...this.bySlugName.values()]
  }

  private replace(brands: Brand[]): void {
    this.byHostName = new Map(brands.flatMap((b) => b.hosts.map((h) => [h, b] as const)))
    this.bySlugName = new Map(brands.map((b) => [b.slug, b]))
    this.byIdentifier = new Map(brands.map((b) => [b.id, b]))
  }
}

function stripPort(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1)
  const colon = host.lastIndexOf(':')
  return colon === -1 ? host : host.slice(0, colon)
}
