export {
  findWorkspace,
  listWorkspaces,
  ensureWorkspace,
  updateWorkspaceSettings,
  type Workspace,
  type WorkspaceSettings,
  type UtmSettings,
} from './workspaces.js';
export {
  createApiKey,
  findApiKeyById,
  listApiKeys,
  getApiKey,
  revokeApiKey,
  authenticate,
  markApiKeyUsed,
  KEY_PREFIXES,
  type ApiKey,
  type Caller,
  type KeyFormat,
} from './keys.js';
export { API_SCOPES, parseScopes, isApiScope, type ApiScope } from './scopes.js';
export { workspaceUsage, type WorkspaceUsage } from './usage.js';
