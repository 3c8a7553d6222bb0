export { posteverywhereRoutes, POSTEVERYWHERE_PREFIX } from './posteverywhere/index.js';
