/**
 * Streaming parsers for product feeds (Google Merchant RSS/Atom/TSV, Shopify product CSV).
 * `parseFeed` yields one `FeedEvent` per item or rejected item and throws `FeedStructureError` when the
 * file as a whole cannot be trusted. Duplicate ids are not detected here: the pipeline dedupes across the feed.
 */
export { detectFormat } from './detect-format.ts'
export {
  type FeedEvent,
  type FeedFormat,
  type FeedItem,
  type FeedRejection,
  FeedStructureError,
  type ParseOptions,
} from './feed-item.ts'
export { generateGoogleFeed } from './generate-feed.ts'
export { parseFeed } from './parse-feed.ts'
