import type { Adaptation, Draft } from '../contract.js';
import { fitText } from '../fit-text.js';
import type { FieldIssue } from '../types.js';
import { isHttpUrl } from '../../shared/index.js';
import { pinMediaSource, type MediaSource } from './adapt-media.js';
import type { PinterestOptions } from './options.js';
import { PINTEREST } from './platform.js';

/** The body of POST /v5/pins (PinCreate) as Pinion sends it. */
export interface PinCreate {
  board_id: string;
  board_section_id?: string;
  title?: string;
  description?: string;
  link?: string;
  alt_text?: string;
  dominant_color?: string;
  media_source: MediaSource;
}

const OPT = 'platform_options.pinterest';
/** Pinterest counts characters, not UTF-16 units; an emoji is one. */
export const pinterestLength = (s: string) => [...s].length;

/**
 * Turns a draft into exactly the PinCreate Pinterest will receive, checking it against the
 * limits of the official contract (SUMMARY §2): errors stop the post, warnings do not. The
 * post-wide `content` becomes the description, fitted to 800 characters when longer (an
 * adaptation); text written for Pinterest (`description`, `content` override) is never changed.
 */
export function adaptPin(
  d: Draft,
  target: { boardId: string; sectionId?: string },
): { payload: PinCreate; errors: FieldIssue[]; warnings: FieldIssue[]; adaptations: Adaptation[] } {
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const adaptations: Adaptation[] = [];
  const { limits } = PINTEREST;
  const o = d.options as PinterestOptions;
  const tooLong = (field: string, value: string | undefined, max: number) => {
    if (value !== undefined && pinterestLength(value) > max)
      errors.push({ field, message: `must be at most ${max} characters for Pinterest (has ${pinterestLength(value)})` });
  };

  tooLong(`${OPT}.title`, o.title, limits.title);
  let [descField, description] = o.description !== undefined ? [`${OPT}.description`, o.description] : [d.contentField, d.content];
  if (description !== undefined && pinterestLength(description) > limits.description && descField === 'content') {
    const fitted = fitText({ text: description, max: limits.description, count: pinterestLength });
    const message = `is ${pinterestLength(description)} characters; Pinterest takes ${limits.description}, so the description was cut to ${pinterestLength(fitted.text)} (at a sentence or word boundary, hashtags kept where they fit)`;
    adaptations.push({ kind: 'text_fitted', field: descField, message });
    description = fitted.text;
  } else {
    tooLong(descField, description, limits.description);
  }
  if (description && pinterestLength(description) > limits.descriptionAdvised && pinterestLength(description) <= limits.description) {
    warnings.push({
      field: descField,
      message: `is ${pinterestLength(description)} characters; Pinterest shows about the first ${limits.descriptionAdvised} in feeds`,
    });
  }
  tooLong(`${OPT}.alt_text`, o.alt_text, limits.altText);

  let link: string | undefined;
  if (d.link !== undefined && d.link !== '') {
    if (!isHttpUrl(d.link)) errors.push({ field: d.linkField, message: 'must be an http(s) URL' });
    else {
      link = d.tag(d.link);
      if (pinterestLength(link) > limits.link)
        errors.push({
          field: d.linkField,
          message: `must be at most ${limits.link} characters for Pinterest${link !== d.link ? ' after UTM tagging' : ''} (has ${pinterestLength(link)})`,
        });
      if (link.startsWith('http:')) warnings.push({ field: d.linkField, message: 'is not https; Pinterest may flag insecure destinations' });
    }
  }

  const media_source = pinMediaSource({ mediaUrl: d.mediaUrl, mediaId: d.mediaId, options: o, tag: d.tag, media: d.media }, { errors, warnings });

  if (o.alt_text === undefined) warnings.push({ field: `${OPT}.alt_text`, message: 'is missing; alt text makes the pin accessible and helps search' });

  const payload: PinCreate = {
    board_id: target.boardId,
    ...(target.sectionId !== undefined && { board_section_id: target.sectionId }),
    ...(o.title !== undefined && { title: o.title }),
    ...(description !== undefined && description !== '' && { description }),
    ...(link !== undefined && { link }),
    ...(o.alt_text !== undefined && { alt_text: o.alt_text }),
    ...(o.dominant_color !== undefined && { dominant_color: o.dominant_color }),
    media_source,
  };
  return { payload, errors, warnings, adaptations };
}
