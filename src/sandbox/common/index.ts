// What every platform emulator shares: seeded fault injection and the connection-level faults it causes.
export { FaultInjector, type FaultConfig, type FaultDecision } from './faults.js';
export { HeldConnections, dropConnection } from './connection.js';
export { escapeHtml, htmlPage, redirectWith } from './html.js';
export { snapshotMaps, restoreMaps, type SnapshotBlobs } from './snapshot.js';
export { documentRoutes, openApiPath, sandboxDocument, type RouteDocs, type RouteTag, type SandboxRoute } from './openapi.js';
export { serveAtRoot, redirectUriProblem, type ServedSandbox } from './server.js';
