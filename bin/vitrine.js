#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx (a dependency), so `npx vitrine` needs no build.
import { register } from 'tsx/esm/api'

register()
// `serve` goes through a light entry, so a cluster primary forks its workers before loading the app.
const { main } = await import(process.argv[2] === 'serve' ? '../src/surge/serve-entry.ts' : '../src/main.ts')
const code = await main(process.argv.slice(2))
// serve keeps running (its server holds the event loop); other commands end here.
if (code !== 0) process.exit(code)
