import type { Log } from '../platform/ctx.ts'
import type { Database } from '../platform/db/database.ts'
import { listen } from '../platform/db/notifications.ts'
import { loadRooms, roomChangedChannel } from './queries.ts'
import type { Room } from './room.ts'

/**
 * Every brand's room, held in memory so the gate costs a map lookup on a shop whose room is off.
 * A change (configuration, automatic switch, shuffle) is announced with NOTIFY at commit and
 * reloads every node at once; as a safety net against a lost notification, a copy older than
 * `maxAgeMs` is reloaded in the background while it keeps serving (one shared load at a time).
 */
export class RoomDirectory {
  private rooms = new Map<string, Room>()
  private loadedAt = -Infinity
  private loading: Promise<void> | null = null
  private unlisten: (() => Promise<void>) | null = null

  constructor(
    private readonly database: Database,
    private readonly log: Log,
    private readonly maxAgeMs = 2000,
  ) {}

  async start(): Promise<void> {
    this.unlisten = await listen(this.database, roomChangedChannel, () => void this.reload(), this.log)
    await this.refresh()
  }

  async stop(): Promise<void> {
    await this.unlisten?.()
  }

  /** The brand's room, or null when it never had one (then it is off). */
  async get(brandId: string): Promise<Room | null> {
    if (performance.now() - this.loadedAt > this.maxAgeMs) {
      const loading = this.refresh()
      if (this.loadedAt === -Infinity) await loading
    }
    return this.rooms.get(brandId) ?? null
  }

  /**
   * Reloads with a read that starts after this call, so it sees a write committed before it (a
   * load already under way may have read too early). For local writes and notifications.
   */
  reload(): Promise<void> {
    return this.loading ? this.loading.then(() => this.refresh()) : this.refresh()
  }

  /** Loads unless a load is under way, which concurrent callers share. */
  private refresh(): Promise<void> {
    if (!this.loading) {
      const started = performance.now()
      this.loading = loadRooms(this.database.db)
        .then((rooms) => {
          this.rooms = new Map(rooms.map((r) => [r.brandId, r]))
          this.loadedAt = started
        })
        .catch((error: unknown) => this.log.error({ err: error }, 'could not reload waiting rooms'))
        .finally(() => {
          this.loading = null
        })
    }
    return this.loading
  }

  all(): Room[] {
    return [...this.rooms.values()]
  }
}

const directories = new Set<RoomDirectory>()

/** The applications of this process register their directory (the gate plugin does it). */
export function registerRoomDirectory(directory: RoomDirectory): () => void {
  directories.add(directory)
  return () => directories.delete(directory)
}

/**
 * Reloads the rooms of every application in this process: after a configuration write, so this
 * node applies it on its very next request (other nodes hear the NOTIFY within milliseconds).
 */
export async function reloadRooms(): Promise<void> {
  await Promise.all([...directories].map((d) => d.reload()))
}
