export * from './sandbox.js';
export { TEST_CARDHOLDER_OUTCOMES, TEST_CARDS, TEST_CARD_CVV, TEST_CARD_EXPIRY } from './test-cards.js';
