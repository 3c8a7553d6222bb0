export { LinkChecker, linkIssues, type LinkReport, type LinkCheckOptions } from './check.js';
export { readPage } from './page.js';
export { suggest, type Suggestions, type SuggestInput } from './suggest.js';
export { improveWithLlm, type LlmSettings } from './llm.js';
