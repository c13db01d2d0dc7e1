/** Catalog: products, variants, their listing and detail, search and facets, and catalog writes. */
export { createProducts, type NewProductInput, type NewVariantInput } from './create-products.ts'
export { type ColourFacet, listCategoryPaths, type ProductFacets, productFacets } from './facets.ts'
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
  type SearchProductsQuery,
  type SearchProductsResult,
  searchProducts,
} from './search-products.ts'
export { type ProductChanges, updateProduct, updateVariant, type VariantChanges } from './update-product.ts'
