export { reserveSlot, holdUntil, budgetCategory, type Budget } from './rate-budget.js';
