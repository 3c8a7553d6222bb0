/**
 * The tables that say how fast and how much Pinion may still call each platform: per-account pacing
 * and daily counts, and daily quota units per app allowance.
 */

/** Per account and rate category: the earliest time the next call may go (spacing calls evenly). */
export interface RatePacingTable {
  account_id: string;
  category: string;
  next_slot_at: number;
}

export interface RateDailyTable {
  account_id: string;
  category: string;
  /** UTC day number (epoch ms / 86 400 000). */
  day: number;
  used: number;
}

/** Units of a daily quota used so far, per bucket (an app's allowance at a platform) and the platform's own day. */
export interface QuotaUnitsTable {
  bucket: string;
  /** The day as the platform counts it (`2026-11-28` in the platform's zone): its reset is the platform's. */
  day: string;
  used: number;
}
