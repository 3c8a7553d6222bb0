/**
 * Media Pinion stores appear in a delivery's payload as `pinion-media:<id>` until publish time,
 * when each platform's publisher reads the bytes and sends them the way that platform takes them.
 */
export const MEDIA_REF = 'pinion-media:';
export const mediaRef = (id: string) => `${MEDIA_REF}${id}`;
export const refId = (v: unknown) => (typeof v === 'string' && v.startsWith(MEDIA_REF) ? v.slice(MEDIA_REF.length) : undefined);
