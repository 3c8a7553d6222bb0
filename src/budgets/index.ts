export { reserveSlot, holdUntil, budgetCategory, type Budget } from './rate-budget.js';
export { quotaUnits, type QuotaUnits } from './quota-units.js';
