export { createLogger, redactUrlQuery, type Logger } from './logger.js';
export { createMetrics, instrumentHttp, publishMetrics } from './metrics.js';
