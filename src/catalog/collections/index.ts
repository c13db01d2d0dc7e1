/**
 * Collections: per brand, manual (an ordered list) or rule-based (category, attributes, price
 * range, new since, on sale), with pinned products first. Read from the in-memory catalog.
 */
export type { Collection, CollectionKind, CollectionRules, CollectionSort } from './collection.ts'
export {
  brandCollections,
  type CollectionListingQuery,
  collectionBySlug,
  collectionMembers,
  searchCollection,
} from './collection-listing.ts'
export {
  type CollectionChanges,
  createCollection,
  deleteCollection,
  getCollection,
  listCollections,
  type NewCollectionInput,
  setCollectionList,
  updateCollection,
} from './queries.ts'
export { collectionAdminRoutes, collectionStoreRoutes } from './routes.ts'
