export { createLogger, redactUrlQuery, type Logger } from './logger.js';
export { createMetrics, instrumentHttp, publishMetrics, stateMetrics, tokenMetrics, type StateSamples } from './metrics.js';
