/**
 * The shop in a real browser (headless Chromium through playwright-core): a French and an English
 * shop, bought from with the mouse, without JavaScript, and with the keyboard alone; axe-core on
 * every page type. Screenshots of each step go to test-artifacts/storefront/.
 */
import assert from 'node:assert/strict'
import { existsSync, mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { after, before, describe, test } from 'node:test'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { testCards } from '../../src/checkout/index.ts'
import { openTestDatabase } from '../helpers/database.ts'
import { startTestServer } from '../helpers/server.ts'
import { createStorefrontFixture } from './fixtures.ts'

const chromiumPath = '/usr/bin/chromium'
const hasChromium = existsSync(chromiumPath)
const missing =
  'Chromium not found at /usr/bin/chromium: install it with apt-get install -y chromium; browser tests skipped'
if (!hasChromium && process.env.CI) throw new Error(missing)
if (!hasChromium) console.log(missing)

const artifacts = join(import.meta.dirname, '..', '..', 'test-artifacts', 'storefront')
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js')

const database = await openTestDatabase()
const fixture = await createStorefrontFixture(database.db)
const server = await startTestServer(database)
const { products } = fixture

interface ShopCase {
  key: 'fr' | 'en'
  host: string
  category: string
  sizeFilter: string
  filteredTitle: string
  search: string
  product: string
  size: string
  labels: {
    addToCart: string
    update: string
    goToCheckout: string
    pay: RegExp
    thankYou: string
    lookup: string
    declined: RegExp
    emptyCart: string
  }
  address: Record<string, string>
}

const shops: ShopCase[] = [
  {
    key: 'fr',
    host: `http://${fixture.fr.brand.slug}.localhost:${server.port}`,
    category: 'Femme',
    sizeFilter: 'S',
    filteredTitle: 'Robe longue en lin',
    search: 'lin',
    product: 'Robe longue en lin',
    size: 'S',
    labels: {
      addToCart: 'Ajouter au panier',
      update: 'Mettre à jour',
      goToCheckout: 'Passer commande',
      pay: /^Payer /,
      thankYou: 'Merci pour votre commande',
      lookup: 'Retrouver ma commande',
      declined: /Votre paiement a été refusé/,
      emptyCart: 'Votre panier est vide.',
    },
    address: { name: 'Camille Martin', line1: '12 rue des Lilas', postalCode: '75011', city: 'Paris', country: 'FR' },
  },
  {
    key: 'en',
    host: `http://${fixture.en.brand.slug}.localhost:${server.port}`,
    category: 'Women',
    sizeFilter: 'S',
    filteredTitle: 'Linen midi dress',
    search: 'linen',
    product: 'Linen midi dress',
    size: 'S',
    labels: {
      addToCart: 'Add to cart',
      update: 'Update',
      goToCheckout: 'Go to checkout',
      pay: /^Pay /,
      thankYou: 'Thank you for your order',
      lookup: 'Find my order',
      declined: /Your payment was declined/,
      emptyCart: 'Your cart is empty.',
    },
    address: { name: 'Sam Jones', line1: '1 Quay Street', postalCode: 'SW1A 1AA', city: 'London', country: 'GB' },
  },
]

let browser: Browser

describe('the shop in a browser', { skip: hasChromium ? false : missing }, () => {
  before(async () => {
    mkdirSync(artifacts, { recursive: true })
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-quic',
        '--no-first-run',
        '--host-resolver-rules=MAP *.localhost 127.0.0.1',
      ],
    })
  })
  after(async () => {
    await browser?.close()
  })

  const newContext = (options: { javaScriptEnabled?: boolean; width?: number } = {}): Promise<BrowserContext> =>
    browser.newContext({
      viewport: { width: options.width ?? 1280, height: 900 },
      javaScriptEnabled: options.javaScriptEnabled ?? true,
      // axe-core is injected as an inline script, which the shop's CSP would rightly block.
      bypassCSP: true,
    })

  const shot = (page: Page, name: string) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true })

  /** No 'serious' or 'critical' axe-core violation on the page. */
  async function assertAccessible(page: Page, name: string): Promise<void> {
    await page.addScriptTag({ path: axePath })
    const violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> =
      await page.evaluate(async () => {
        const axe = (window as any).axe
        const result = await axe.run(document, { resultTypes: ['violations'] })
        return result.violations.map((v: any) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n: any) => ({ target: n.target })),
        }))
      })
    const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
    if (bad.length > 0) console.log(`axe violations on ${name}:\n${JSON.stringify(bad, null, 2)}`)
    assert.deepEqual(
      bad.map((v) => `${v.id}: ${v.help}`),
      [],
      name,
    )
  }

  async function fillCheckout(page: Page, shop: ShopCase, email: string, card: string): Promise<void> {
    await page.locator('#email').fill(email)
    for (const [field, value] of Object.entries(shop.address)) {
      if (field === 'country') await page.locator('#country').selectOption(value)
      else await page.locator(`#${field}`).fill(value)
    }
    await page.locator('#cardNumber').fill(card)
  }

  for (const shop of shops) {
    test(`${shop.key}: filter, search, pick a size, cart, checkout, confirmation, look-up — each page accessible`, async () => {
      const context = await newContext()
      const page = await context.newPage()
      const step = (name: string) => shot(page, `${shop.key}-${name}`)

      await page.goto(`${shop.host}/`)
      await step('01-home')
      await assertAccessible(page, `${shop.key} home`)

      await page
        .getByRole('navigation', { name: shop.key === 'fr' ? 'Catégories' : 'Categories' })
        .getByRole('link', { name: shop.category })
        .click()
      await page.locator(`input[name=size][value="${shop.sizeFilter}"]`).check()
      await page.locator('details.filters button[type=submit]').click()
      await page.waitForURL(/size=/)
      assert.deepEqual(await page.locator('.card h3').allTextContents(), [shop.filteredTitle])
      await step('02-category-filtered')
      await assertAccessible(page, `${shop.key} category`)

      await page.locator('#q').fill(shop.search)
      await page.locator('#q').press('Enter')
      await page.waitForURL(/\/search\?q=/)
      assert.ok((await page.locator('.card h3').allTextContents()).includes(shop.product))
      await step('03-search')
      await assertAccessible(page, `${shop.key} search`)

      await page.locator('.card a', { hasText: shop.product }).click()
      await page.waitForURL(/\/p\//)
      await step('04-product')
      await assertAccessible(page, `${shop.key} product`)
      await page
        .locator('.options label', { hasText: new RegExp(`^${shop.size}\\b`) })
        .first()
        .click()
      await page.getByRole('button', { name: shop.labels.addToCart }).click()
      await page.waitForURL(/\/cart/)
      await step('05-cart')
      await assertAccessible(page, `${shop.key} cart`)
      assert.match((await page.locator('[data-cart-count]').textContent()) ?? '', /\(1\)/)

      await page.locator('input[name=quantity]').fill('2')
      await page.getByRole('button', { name: shop.labels.update }).click()
      await page.waitForLoadState()
      assert.equal(await page.locator('input[name=quantity]').inputValue(), '2')
      await step('06-cart-quantity-2')

      await page.getByRole('link', { name: shop.labels.goToCheckout }).click()
      await page.waitForURL(/\/checkout$/)
      await fillCheckout(page, shop, `${shop.key}-shopper@example.org`, testCards.success)
      await step('07-checkout')
      await assertAccessible(page, `${shop.key} checkout`)
      await page.getByRole('button', { name: shop.labels.pay }).click()
      await page.waitForURL(/\/checkout\/confirmation$/)
      assert.equal(await page.locator('h1').textContent(), shop.labels.thankYou)
      const number = (await page.locator('[data-order-number]').textContent()) ?? ''
      assert.match(number, /^[A-Z]+-\d{6}$/)
      await step('08-confirmation')
      await assertAccessible(page, `${shop.key} confirmation`)

      await page.goto(`${shop.host}/orders/lookup`)
      await page.locator('#lookup-number').fill(number)
      await page.locator('#lookup-email').fill(`${shop.key}-shopper@example.org`)
      await page.getByRole('button', { name: shop.labels.lookup }).click()
      await page.waitForLoadState()
      assert.ok((await page.locator('h2').allTextContents()).some((h) => h.includes(number)))
      await step('09-lookup')
      await assertAccessible(page, `${shop.key} lookup`)

      const missingPage = await page.goto(`${shop.host}/nowhere`)
      assert.equal(missingPage?.status(), 404)
      await step('10-not-found')
      await assertAccessible(page, `${shop.key} 404`)
      await context.close()
    })
  }

  test('fr, JavaScript off, 360 px wide: the same checkout works with plain forms', async () => {
    const shop = shops[0]!
    const context = await newContext({ javaScriptEnabled: false, width: 360 })
    const page = await context.newPage()
    const step = (name: string) => shot(page, `nojs-360-${name}`)
    await page.goto(`${shop.host}/`)
    await step('01-home')
    await page.goto(`${shop.host}/c/femme/robes`)
    await step('02-category')
    await page.goto(`${shop.host}/p/x-${products.longDress!.id}`)
    await step('03-product')
    await page.locator('.options label', { hasText: /^S\b/ }).first().click()
    await page.getByRole('button', { name: shop.labels.addToCart }).click()
    await page.waitForURL(/\/cart/)
    await step('04-cart')
    await page.getByRole('link', { name: shop.labels.goToCheckout }).click()
    await fillCheckout(page, shop, 'nojs@example.org', testCards.success)
    await step('05-checkout')
    await page.getByRole('button', { name: shop.labels.pay }).click()
    await page.waitForURL(/\/checkout\/confirmation$/)
    assert.equal(await page.locator('h1').textContent(), shop.labels.thankYou)
    await step('06-confirmation')
    await context.close()
  })

  test('en: a declined card shows a clear message and keeps the cart', async () => {
    const shop = shops[1]!
    const context = await newContext()
    const page = await context.newPage()
    await page.goto(`${shop.host}/p/x-${products.coat!.id}`)
    await page.getByRole('button', { name: shop.labels.addToCart }).click()
    await page.waitForURL(/\/cart/)
    await page.getByRole('link', { name: shop.labels.goToCheckout }).click()
    await fillCheckout(page, shop, 'declined@example.org', testCards.declined)
    await page.getByRole('button', { name: shop.labels.pay }).click()
    await page.waitForLoadState()
    assert.match((await page.getByRole('alert').first().textContent()) ?? '', shop.labels.declined)
    assert.equal(await page.locator('#email').inputValue(), 'declined@example.org')
    await shot(page, 'en-declined')
    await page.goto(`${shop.host}/cart`)
    assert.deepEqual(await page.locator('.line p a').allTextContents(), ['Wool coat'])
    await context.close()
  })

  test('fr: keyboard only (Tab, Space, Enter and typing) from the product page to the confirmation', async () => {
    const shop = shops[0]!
    const context = await newContext()
    const page = await context.newPage()
    const kb = page.keyboard
    /** Presses Tab until the element matching the selector has focus. */
    const tabTo = async (selector: string) => {
      for (let i = 0; i < 80; i++) {
        if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return
        await kb.press('Tab')
      }
      assert.fail(`never reached ${selector} with Tab`)
    }
    await page.goto(`${shop.host}/p/x-${products.longDress!.id}`)
    await kb.press('Tab')
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Aller au contenu')
    await shot(page, 'keyboard-01-skip-link')
    await tabTo('input[name=variantId]:not([disabled])')
    await kb.press('Space')
    await shot(page, 'keyboard-02-size-focused')
    await tabTo('.picker button[type=submit]')
    await kb.press('Enter')
    await page.waitForURL(/\/cart/)
    await tabTo('a.btn[href="/checkout"]')
    await kb.press('Enter')
    await page.waitForURL(/\/checkout$/)
    const type = async (selector: string, text: string) => {
      await tabTo(selector)
      await kb.type(text)
    }
    await type('#email', 'keyboard@example.org')
    for (const [field, value] of Object.entries(shop.address)) {
      if (field !== 'country') await type(`#${field}`, value)
    }
    // The delivery methods are one radio group: Tab stops on the checked one (standard) and moves on.
    await tabTo('#ship-standard')
    await type('#cardNumber', testCards.success)
    await shot(page, 'keyboard-03-checkout-filled')
    await tabTo('form.form button[type=submit]')
    await kb.press('Enter')
    await page.waitForURL(/\/checkout\/confirmation$/)
    assert.equal(await page.locator('h1').textContent(), shop.labels.thankYou)
    await shot(page, 'keyboard-04-confirmation')
    await context.close()
  })
})
