import { afterEach } from 'vitest';

/** Closes, after each test and newest first, whatever the test opened through the returned `track`. */
export function closedAfterEach(): <T extends { close(): Promise<void> }>(opened: T) => T {
  const open: Array<{ close(): Promise<void> }> = [];
  afterEach(async () => {
    for (const x of open.splice(0).reverse()) await x.close();
  });
  return (opened) => (open.push(opened), opened);
}
