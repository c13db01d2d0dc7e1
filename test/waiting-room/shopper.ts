import type { TestResponse, TestServer } from '../helpers/server.ts'

/** A moving clock for a test server: the waiting room reads it for slots and pass expiry. */
export class TestClock {
  constructor(private instant: Date) {}
  readonly now = (): Date => this.instant
  set(instant: Date | string): void {
    this.instant = new Date(instant)
  }
  advance(ms: number): void {
    this.instant = new Date(this.instant.getTime() + ms)
  }
}

/** A browser of one shop: keeps the cookies the server sets, sends them back. */
export class Shopper {
  readonly cookies = new Map<string, string>()

  constructor(
    private readonly server: TestServer,
    readonly host: string,
  ) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<TestResponse> {
    const cookie = this.cookieHeader()
    const res = await this.server.request(method, path, {
      host: this.host,
      ...(body !== undefined ? { body } : {}),
      headers: { ...(cookie ? { cookie } : {}), ...headers },
    })
    for (const set of res.headers['set-cookie'] ?? []) {
      const [pair, ...attributes] = set.split(';')
      const eq = pair!.indexOf('=')
      const name = pair!.slice(0, eq).trim()
      const value = pair!.slice(eq + 1).trim()
      if (attributes.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '') this.cookies.delete(name)
      else this.cookies.set(name, value)
    }
    return res
  }

  get = (path: string) => this.request('GET', path)
  status = async () => (await this.request('GET', '/waiting-room/status')).body
}
