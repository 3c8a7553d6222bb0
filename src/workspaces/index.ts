export { findWorkspace, listWorkspaces, ensureWorkspace, updateWorkspaceSettings, type Workspace, type WorkspaceSettings, type UtmSettings } from './workspaces.js';
export { createApiKey, findApiKeyById, listApiKeys, getApiKey, revokeApiKey, authenticate, markApiKeyUsed, type ApiKey, type Caller } from './keys.js';
export { API_SCOPES, parseScopes, isApiScope, type ApiScope } from './scopes.js';
