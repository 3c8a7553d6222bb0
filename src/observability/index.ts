export { createLogger, redactUrlQuery, type Logger } from './logger.js';
export { createMetrics, instrumentHttp, publishMetrics, tokenMetrics } from './metrics.js';
