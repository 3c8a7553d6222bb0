export { ConnectorError, isConnectorError, PlatformNotConfigured, type ConnectorErrorKind } from './errors.js';
export type {
  TokenSet,
  AccountIdentity,
  OAuthFlow,
  FieldIssue,
  Publisher,
  Published,
  FoundPublished,
  PublishInput,
  WithToken,
  DailyUnits,
  GrantedAccount,
} from './types.js';
export type {
  Connector,
  PlatformFacts,
  PlatformConfig,
  Draft,
  AccountContext,
  Plan,
  Adaptation,
  MediaInfo,
  MediaRules,
  BoardsCapability,
  Board,
  Section,
  SandboxEntry,
  SandboxInstance,
  SandboxBlobs,
  LinkPage,
  RichPreview,
  LinkRules,
  SeoRules,
  AnalyticsCapability,
  DuplicateRule,
} from './contract.js';
export { CONNECTORS, PLATFORM_IDS, ANNOUNCED_PLATFORMS, findConnector, connectorFor, platformProblem } from './registry.js';
export { fitText, type Fitted } from './fit-text.js';
