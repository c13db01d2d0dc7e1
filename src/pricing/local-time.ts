/**
 * Wall-clock times in a brand's time zone ↔ instants, DST-safe, with the ICU data Node ships
 * (Intl). A sale "at 08:00" is 08:00 on the brand's clocks whatever the season: 07:00 UTC in
 * Paris in winter, 06:00 UTC in summer.
 *
 * Around a DST change a wall-clock time may not exist (Paris, 2026-03-29 02:30: clocks jump from
 * 02:00 to 03:00) — refused, so a merchandiser never gets an instant they did not write — or exist
 * twice (2026-10-25 02:30 happens in summer time, then again in winter time) — the earlier one, as
 * RFC 5545 and Temporal's default do.
 */

const localPattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?$/
const offsetPattern = /(Z|[+-]\d{2}:\d{2})$/

export class InvalidLocalTime extends Error {}

/** Whether the text names an absolute instant (ends in Z or ±hh:mm) rather than a wall-clock time. */
export const hasOffset = (text: string): boolean => offsetPattern.test(text)

/**
 * The instant of a date-time text: with an offset (`…Z`, `…+01:00`) it is that instant; without,
 * it is a wall-clock time in `timeZone`. Throws InvalidLocalTime for malformed text, impossible
 * dates (02-30) and wall-clock times a DST change skips.
 */
export function instantOf(text: string, timeZone: string): Date {
  if (hasOffset(text)) {
    const local = text.replace(offsetPattern, '')
    const fields = parseLocal(local)
    const offset = text.endsWith('Z') ? 0 : offsetMinutes(text.slice(-6))
    return new Date(fields - offset * 60_000)
  }
  return zonedToInstant(text, timeZone)
}

/** A wall-clock time ("2026-03-29T08:00", seconds and milliseconds optional) in a zone, as an instant. */
export function zonedToInstant(local: string, timeZone: string): Date {
  const wall = parseLocal(local)
  // Every offset the zone uses within a day of this time: the instant is wall − offset for the one
  // offset that maps back to the same wall-clock time.
  const offsets = new Set([offsetAt(wall - 86_400_000, timeZone), offsetAt(wall + 86_400_000, timeZone)])
  const matches = [...offsets]
    .map((offset) => wall - offset)
    .filter((instant) => instant + offsetAt(instant, timeZone) === wall)
    .sort((a, b) => a - b)
  const first = matches[0]
  if (first === undefined) {
    throw new InvalidLocalTime(`${local} does not exist in ${timeZone} (the clocks skip it at a DST change)`)
  }
  return new Date(first)
}

/** The wall-clock time of an instant in a zone, as "2026-03-29T08:00:00.000". */
export function instantToZoned(instant: Date, timeZone: string): string {
  const wall = new Date(instant.getTime() + offsetAt(instant.getTime(), timeZone))
  return wall.toISOString().slice(0, 23)
}

/** Whether Intl knows the zone (brands store IANA names; this guards the API's input anyway). */
export function isTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone)
    return true
  } catch {
    return false
  }
}

function parseLocal(text: string): number {
  const m = localPattern.exec(text)
  if (!m) throw new InvalidLocalTime(`"${text.slice(0, 40)}" is not a date-time like 2026-01-07T08:00`)
  const [year, month, day, hour, minute, second, ms] = [1, 2, 3, 4, 5, 6, 7].map((i) =>
    Number(i === 7 ? (m[i] ?? '0').padEnd(3, '0') : (m[i] ?? '0')),
  ) as [number, number, number, number, number, number, number]
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, ms)
  const check = new Date(wall)
  if (
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    throw new InvalidLocalTime(`"${text.slice(0, 40)}" is not a valid date-time`)
  }
  return wall
}

function offsetMinutes(text: string): number {
  const sign = text.startsWith('-') ? -1 : 1
  const hours = Number(text.slice(1, 3))
  const minutes = Number(text.slice(4, 6))
  if (hours > 23 || minutes > 59) throw new InvalidLocalTime(`"${text}" is not a valid UTC offset`)
  return sign * (hours * 60 + minutes)
}

const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone)
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, formatter)
  }
  return formatter
}

/** The zone's offset from UTC at an instant, in ms (Paris in winter: +3,600,000). */
export function offsetAt(instant: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(instant))
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0)
  const wholeSeconds = Math.floor(instant / 1000) * 1000
  const wall = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'))
  return wall - wholeSeconds
}
