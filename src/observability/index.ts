export { createLogger, redactUrlQuery, type Logger } from './logger.js';
export { createMetrics, instrumentHttp } from './metrics.js';
