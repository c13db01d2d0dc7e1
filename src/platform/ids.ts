import { randomBytes, randomUUID } from 'node:crypto'

export const newId = (): string => randomUUID()

/** An unguessable bearer token: 192 random bits, URL-safe, 32 characters. */
export const newToken = (): string => randomBytes(24).toString('base64url')

export const tokenPattern = '^[A-Za-z0-9_-]{32}$'

export const uuidPattern = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$'

export const isUuid = (value: string): boolean => new RegExp(uuidPattern).test(value)
