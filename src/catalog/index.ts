/** Catalog: products, variants, their listing and detail, search and facets, and catalog writes. */
export { createProducts, type NewProductInput, type NewVariantInput } from './create-products.ts'
export {
  type ColourFacet,
  type FacetCount,
  listCategoryPaths,
  type PriceBand,
  type ProductFacets,
  type ProductFilters,
  productFacets,
} from './facets.ts'
export type { ProductCard, ProductDetail, ProductImage, ProductStatus, SellableVariant, Variant } from './product.ts'
export {
  getProductDetail,
  type ListProductsQuery,
  listProductCards,
  type ProductPage,
  sellableVariants,
  sortSizes,
  variantsForSale,
} from './queries.ts'
export {
  listProductLinks,
  type ProductLink,
  type ProductScope,
  type ProductSort,
  productSorts,
  type SearchProductsQuery,
  type SearchProductsResult,
  searchProducts,
} from './search-products.ts'
export { type ProductChanges, updateProduct, updateVariant, type VariantChanges } from './update-product.ts'
