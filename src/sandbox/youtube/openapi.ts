import type { RouteDocs } from '../common/index.js';

export const DESCRIPTION = 'TODO';

export const ROUTE_DOCS: RouteDocs = {};
