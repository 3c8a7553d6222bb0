import type { SeoRules } from '../connectors/index.js';
import type { Suggestions } from './suggest.js';

export interface LlmSettings {
  baseUrl?: string;
  model?: string;
  apiKey?: string;
  timeoutMs: number;
}

/**
 * Asks an OpenAI-compatible chat endpoint (configured by the operator, never by a request) to
 * improve the built-in suggestions. Anything unusable — no answer, not JSON, too long, the keyword
 * gone from the title's start — leaves the built-in ones as they are.
 */
export async function improveWithLlm(
  llm: LlmSettings,
  rules: SeoRules,
  built: Suggestions,
  facts: { keywords: string[]; source: string },
): Promise<{ suggestions: Suggestions; source: 'llm' | 'built-in' }> {
  if (!llm.baseUrl || !llm.model) return { suggestions: built, source: 'built-in' };
  try {
    const res = await fetch(`${llm.baseUrl.replace(/\/+$/, '')}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(llm.apiKey ? { authorization: `Bearer ${llm.apiKey}` } : {}) },
      signal: AbortSignal.timeout(llm.timeoutMs),
      body: JSON.stringify({
        model: llm.model,
        temperature: 0,
        messages: [
          {
            role: 'system',
            content: `You write search-friendly social post titles (at most ${rules.titleMax} characters, the first keyword within the first 40) and descriptions (at most ${rules.descriptionShown} characters, keywords early). Answer with JSON {"title": string, "description": string} only.`,
          },
          {
            role: 'user',
            content: JSON.stringify({
              keywords: facts.keywords,
              draft: { title: built.titles[0], description: built.descriptions[0] },
              page: facts.source.slice(0, 4000),
            }),
          },
        ],
      }),
    });
    if (!res.ok) return { suggestions: built, source: 'built-in' };
    const answer = (await res.json()) as { choices?: Array<{ message?: { content?: string } }> };
    const text = answer.choices?.[0]?.message?.content ?? '';
    const parsed = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as { title?: unknown; description?: unknown };
    const { title, description } = parsed;
    const main = facts.keywords[0]?.toLowerCase();
    if (typeof title !== 'string' || typeof description !== 'string') return { suggestions: built, source: 'built-in' };
    if ([...title].length > rules.titleMax || [...description].length > rules.descriptionShown) return { suggestions: built, source: 'built-in' };
    if (
      main &&
      !title
        .toLowerCase()
        .slice(0, 40 + main.length)
        .includes(main)
    )
      return { suggestions: built, source: 'built-in' };
    return {
      suggestions: {
        ...built,
        titles: [title, ...built.titles.filter((t) => t !== title)],
        descriptions: [description, ...built.descriptions.filter((d) => d !== description)],
      },
      source: 'llm',
    };
  } catch {
    return { suggestions: built, source: 'built-in' };
  }
}
