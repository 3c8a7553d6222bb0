import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Who holds a lease: this host and process, plus a random part so two instances in one process differ. */
export const ownerId = () => `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
