import type { BrandCtx } from '../brands/brand.ts'
import { listCategoryPaths } from '../catalog/index.ts'
import { categorySegments, categoryUrl } from './urls.ts'

export interface CategoryNode {
  name: string
  /** The catalog's path, "Femme > Robes", as the catalog queries take it. */
  path: string
  url: string
  children: CategoryNode[]
}

export interface CategoryTree {
  roots: CategoryNode[]
  byUrl: Map<string, CategoryNode>
}

/** The category tree of products' paths, with every ancestor ("Femme", "Femme > Robes") as a node. */
export function buildCategoryTree(paths: readonly string[]): CategoryTree {
  const roots: CategoryNode[] = []
  const byPath = new Map<string, CategoryNode>()
  const byUrl = new Map<string, CategoryNode>()
  for (const full of paths) {
    const segments = categorySegments(full)
    let siblings = roots
    for (let depth = 1; depth <= segments.length; depth++) {
      const path = segments.slice(0, depth).join(' > ')
      let node = byPath.get(path)
      if (!node) {
        node = { name: segments[depth - 1] ?? '', path, url: categoryUrl(path), children: [] }
        byPath.set(path, node)
        // Two names that slug alike ("Robes" and "robes") share a URL; the first one keeps it.
        if (!byUrl.has(node.url)) byUrl.set(node.url, node)
        siblings.push(node)
      }
      siblings = node.children
    }
  }
  return { roots, byUrl }
}

/**
 * Category trees per brand, rebuilt when the brand's catalog version moves. Every page's
 * navigation needs one, so it must not cost a query per request.
 */
export class CategoryTrees {
  private trees = new Map<string, { version: number; tree: Promise<CategoryTree> }>()

  get(ctx: BrandCtx): Promise<CategoryTree> {
    const held = this.trees.get(ctx.brand.id)
    if (held && held.version === ctx.brand.catalogVersion) return held.tree
    const tree = listCategoryPaths(ctx).then(buildCategoryTree)
    tree.catch(() => this.trees.delete(ctx.brand.id))
    this.trees.set(ctx.brand.id, { version: ctx.brand.catalogVersion, tree })
    return tree
  }
}
