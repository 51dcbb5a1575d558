import type { Centavos } from '../../modules/payments/mercadopago/money.js';
import { TEST_CARD_CVV, TEST_CARD_EXPIRY, TEST_CARDHOLDER_OUTCOMES, TEST_CARDS } from './test-cards.js';

/** The sandbox's stand-in for MercadoPago's hosted checkout: small, Spanish, accessible. */

const ars = new Intl.NumberFormat('es-AR', { style: 'currency', currency: 'ARS' });

/** es-AR money from centavos ($ 15.000,50); integer division keeps the display exact. */
export function formatArs(centavos: Centavos): string {
  return ars.format(centavos / 100);
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface CheckoutItemView {
  title: string;
  quantity: number;
  unitPrice: Centavos;
}

export interface CheckoutPageInput {
  preferenceId: string;
  items: CheckoutItemView[];
  total: Centavos;
  statementDescriptor: string | null;
  error?: { message: string; field?: 'cardholder_name' | 'card_number' };
  values?: { cardholderName?: string; cardNumber?: string };
}

export function renderCheckoutPage(input: CheckoutPageInput): string {
  const rows = input.items
    .map(
      (item) =>
        `<tr><td>${escapeHtml(item.title)}<br><span class="hint">${item.quantity} × ${formatArs(item.unitPrice)}</span></td><td class="num">${formatArs(item.unitPrice * item.quantity)}</td></tr>`,
    )
    .join('\n');
  const error = input.error;
  const invalid = (field: 'cardholder_name' | 'card_number') => (error?.field === field ? ' aria-invalid="true"' : '');
  const describedBy = (field: 'cardholder_name' | 'card_number', hint: string) =>
    error?.field === field ? `${hint} checkout-error` : hint;
  const names = Object.entries(TEST_CARDHOLDER_OUTCOMES)
    .map(([name, outcome]) => `<li><code>${name}</code>: ${escapeHtml(outcome.label.toLowerCase())}</li>`)
    .join('');
  const cards = TEST_CARDS.map((card) => `${card.brand} <code>${card.number}</code>`).join(' o ');
  const action = `/checkout/pay/${encodeURIComponent(input.preferenceId)}`;

  return page(
    'Pagar con Mercado Pago (prueba)',
    `<main>
  <p class="banner" role="note">Entorno de prueba local de Mercado Pago: no se cobra dinero real.</p>
  <h1>Pagá tu reserva</h1>
  ${input.statementDescriptor ? `<p>Vas a pagarle a <strong>${escapeHtml(input.statementDescriptor)}</strong>.</p>` : ''}
  <table>
    <caption>Detalle de la compra</caption>
    <thead><tr><th scope="col">Concepto</th><th scope="col" class="num">Importe</th></tr></thead>
    <tbody>
${rows}
    </tbody>
    <tfoot><tr><th scope="row">Total</th><td class="num"><strong>${formatArs(input.total)}</strong></td></tr></tfoot>
  </table>
  ${error ? `<p id="checkout-error" class="error" role="alert">${escapeHtml(error.message)}</p>` : ''}
  <form method="post" action="${escapeHtml(action)}" novalidate>
    <div class="field">
      <label for="cardholder_name">Nombre del titular (como figura en la tarjeta)</label>
      <input id="cardholder_name" name="cardholder_name" type="text" autocomplete="cc-name" required
        aria-describedby="${describedBy('cardholder_name', 'cardholder-hint')}"${invalid('cardholder_name')} value="${escapeHtml(input.values?.cardholderName ?? '')}">
      <div id="cardholder-hint" class="hint">En el entorno de prueba el nombre elige el resultado del pago:<ul>${names}</ul></div>
    </div>
    <div class="field">
      <label for="card_number">Número de tarjeta</label>
      <input id="card_number" name="card_number" type="text" inputmode="numeric" autocomplete="cc-number" required
        aria-describedby="${describedBy('card_number', 'card-hint')}"${invalid('card_number')} value="${escapeHtml(input.values?.cardNumber ?? TEST_CARDS[0].number)}">
      <p id="card-hint" class="hint">Tarjetas de prueba: ${cards} (código de seguridad ${TEST_CARD_CVV}, vencimiento ${TEST_CARD_EXPIRY}).</p>
    </div>
    <button type="submit">Pagar ${formatArs(input.total)}</button>
  </form>
</main>`,
  );
}

/** A page with a heading and a paragraph: not found, expired, no back URL to return to. */
export function renderMessagePage(title: string, message: string, link?: { href: string; text: string }): string {
  return page(
    title,
    `<main>
  <p class="banner" role="note">Entorno de prueba local de Mercado Pago.</p>
  <h1>${escapeHtml(title)}</h1>
  <p>${escapeHtml(message)}</p>
  ${link ? `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.text)}</a></p>` : ''}
</main>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="es-AR">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; background: #f5f5f5; color: #1a1a1a; }
  main { max-width: 36rem; margin: 2rem auto; background: #fff; padding: 1.5rem; border-radius: 8px; }
  .banner { background: #fff3cd; padding: .5rem .75rem; border-radius: 4px; }
  table { width: 100%; border-collapse: collapse; margin: 1rem 0; }
  caption { text-align: left; font-weight: 600; margin-bottom: .5rem; }
  th, td { padding: .4rem; border-bottom: 1px solid #ddd; text-align: left; }
  .num { text-align: right; }
  .field { margin: 1rem 0; }
  label { display: block; font-weight: 600; margin-bottom: .25rem; }
  input { width: 100%; box-sizing: border-box; padding: .5rem; font-size: 1rem; border: 1px solid #767676; border-radius: 4px; }
  input[aria-invalid="true"] { border-color: #b00020; }
  .hint { color: #444; font-size: .9rem; margin-top: .5rem; }
  .error { color: #b00020; font-weight: 600; }
  button { background: #00639e; color: #fff; border: 0; padding: .75rem 1.25rem; font-size: 1rem; border-radius: 4px; cursor: pointer; }
  button:focus-visible, input:focus-visible, a:focus-visible { outline: 3px solid #1a1a1a; outline-offset: 2px; }
  code { overflow-wrap: anywhere; }
  /* Phones: the page fills the screen (two columns and wrapping text keep it within 360 px). */
  @media (max-width: 30rem) { main { margin: 0; border-radius: 0; padding: 1rem; } }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}
