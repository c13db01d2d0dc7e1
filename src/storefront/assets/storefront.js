// Progressive enhancement only: every page works without this file.
;(() => {
  // Shop pages are shared-cached, so the server cannot print the shopper's cart count in them:
  // a small non-secret cookie carries it to the badge.
  const count = /(?:^|; )cart_count=(\d{1,3})/.exec(document.cookie)
  const badge = document.querySelector('[data-cart-count]')
  if (badge && count && count[1] !== '0') badge.textContent = `(${count[1]})`
  // A second click while the first submit travels would only replay it (idempotent), but it
  // looks broken: ignore it.
  for (const form of document.querySelectorAll('form[data-once]')) {
    form.addEventListener('submit', (event) => {
      if (form.dataset.sent) event.preventDefault()
      form.dataset.sent = '1'
    })
  }
})()
// On a phone the filters start folded so the products come first; open without script.
if (window.matchMedia('(max-width: 47.99rem)').matches) {
  for (const details of document.querySelectorAll('details.filters')) details.open = false
}
