export { reserveSlot, reserveSlots, inOneRound, pacingUpsert, nextSlots, holdUntil, budgetCategory, type Budget, type SlotRequest } from './rate-budget.js';
export { quotaUnits, type QuotaUnits } from './quota-units.js';
