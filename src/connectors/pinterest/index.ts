export { pinterest } from './connector.js';
export { PINTEREST, type PinterestRateCategory } from './platform.js';
export { PinterestClient, type PinterestAppConfig, type PinterestBoard, type PinterestSection } from './client.js';
export { callPinterest, type PinterestHttpOptions } from './http.js';
