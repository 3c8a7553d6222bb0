export { analyticsPass, readMetrics, type AnalyticsDeps } from './pass.js';
export { metricsReport, readingsOf, saveReading, type MetricsReading } from './store.js';
export { analyticsSummary, type Summary } from './summary.js';
