/**
 * A progress line for long CLI work: a bar with counts, rate and ETA redrawn in place on a
 * terminal; on a pipe or in CI, a plain log line every few seconds instead.
 */
export class Progress {
  private readonly started = Date.now()
  private lastPrint = 0
  private readonly tty: boolean

  constructor(
    private readonly label: string,
    private total: number,
    private readonly unit: string,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    this.tty = Boolean(out.isTTY)
  }

  /** For work whose size is learnt on the way. */
  setTotal(total: number): void {
    this.total = total
  }

  update(done: number, note = ''): void {
    const now = Date.now()
    const finished = done >= this.total
    if (!finished && now - this.lastPrint < (this.tty ? 100 : 5000)) return
    this.lastPrint = now
    const seconds = Math.max((now - this.started) / 1000, 0.001)
    const rate = done / seconds
    const eta = rate > 0 ? Math.ceil((this.total - done) / rate) : 0
    const stats = `${done.toLocaleString('en')}/${this.total.toLocaleString('en')} ${this.unit} · ${Math.round(rate).toLocaleString('en')}/s${finished ? '' : ` · ETA ${eta}s`}${note ? ` · ${note}` : ''}`
    if (this.tty) {
      const width = 24
      const filled = Math.round((Math.min(done, this.total) / Math.max(this.total, 1)) * width)
      this.out.write(
        `\r${this.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${stats}\x1b[K${finished ? '\n' : ''}`,
      )
    } else {
      this.out.write(`${this.label}: ${stats}\n`)
    }
  }
}
