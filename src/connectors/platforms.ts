/**
 * The registry's one line per platform: adding a platform is a folder beside this file and a line
 * here. The order of the lines is the order platforms are listed in (docs, OpenAPI, sandboxes).
 */
export { pinterest } from './pinterest/index.js';
export { xConnector as x } from './x/index.js';
export { instagram } from './instagram/index.js';
export { facebook } from './facebook/index.js';
export { threads } from './threads/index.js';
export { linkedin } from './linkedin/index.js';
export { tiktok } from './tiktok/index.js';
export { youtube } from './youtube/index.js';
