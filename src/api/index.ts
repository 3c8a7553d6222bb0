export { buildServer, type BuildServerOptions, type ApiRoutes } from './server.js';
export type { ApiContext } from './context.js';
export { HttpProblem, notFound, invalid, fieldErrors, type FieldError, type Problem } from './problem.js';
export { isoTime, ListOf, IdParams } from './schemas.js';
