// A load process of `vitrine rehearse --processes N`: plain JavaScript, so it can register tsx (as
// bin/vitrine.js does) before it loads the TypeScript sources.
import { register } from 'tsx/esm/api'

register()
const { serveLoadProcess } = await import('./load-process.ts')
serveLoadProcess()
