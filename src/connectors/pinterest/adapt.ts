import type { PinterestOptions } from '../../posts/request.js';
import type { FieldIssue } from '../types.js';
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
  media_source:
    | { source_type: 'image_url'; url: string }
    | { source_type: 'multiple_image_urls'; items: Array<{ url: string; title?: string; description?: string; link?: string }> };
}

export interface PinDraft {
  content?: string;
  /** The post-wide link; Pinterest's own `link` option wins over it. */
  link?: string;
  mediaUrl?: string;
  options: PinterestOptions;
  boardId: string;
  sectionId?: string;
  /** Applied to every link, after choosing it. */
  tag: (link: string) => string;
}

const OPT = 'platform_options.pinterest';
/** Pinterest counts characters, not UTF-16 units; an emoji is one. */
const length = (s: string) => [...s].length;

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Turns a post into exactly the PinCreate Pinterest will receive, checking it against the
 * limits of the official contract (SUMMARY §2): errors stop the post, warnings do not.
 */
export function adaptPin(d: PinDraft): { payload: PinCreate; errors: FieldIssue[]; warnings: FieldIssue[] } {
  const errors: FieldIssue[] = [];
  const warnings: FieldIssue[] = [];
  const { limits } = PINTEREST;
  const o = d.options;
  const tooLong = (field: string, value: string | undefined, max: number) => {
    if (value !== undefined && length(value) > max) errors.push({ field, message: `must be at most ${max} characters for Pinterest (has ${length(value)})` });
  };

  tooLong(`${OPT}.title`, o.title, limits.title);
  const [descField, description] = o.description !== undefined ? [`${OPT}.description`, o.description] : ['content', d.content];
  tooLong(descField, description, limits.description);
  if (description && length(description) > limits.descriptionAdvised && length(description) <= limits.description) {
    warnings.push({ field: descField, message: `is ${length(description)} characters; Pinterest shows about the first ${limits.descriptionAdvised} in feeds` });
  }
  tooLong(`${OPT}.alt_text`, o.alt_text, limits.altText);

  const [linkField, rawLink] = o.link !== undefined ? [`${OPT}.link`, o.link] : ['link', d.link];
  let link: string | undefined;
  if (rawLink !== undefined && rawLink !== '') {
    if (!isHttpUrl(rawLink)) errors.push({ field: linkField, message: 'must be an http(s) URL' });
    else {
      link = d.tag(rawLink);
      if (length(link) > limits.link) errors.push({ field: linkField, message: `must be at most ${limits.link} characters for Pinterest${link !== rawLink ? ' after UTM tagging' : ''} (has ${length(link)})` });
      if (link.startsWith('http:')) warnings.push({ field: linkField, message: 'is not https; Pinterest may flag insecure destinations' });
    }
  }

  let media_source: PinCreate['media_source'] = { source_type: 'image_url', url: d.mediaUrl ?? '' };
  if (o.carousel) {
    if (d.mediaUrl) errors.push({ field: 'media_url', message: `give either media_url or ${OPT}.carousel, not both` });
    if (o.carousel.length < limits.carouselMin || o.carousel.length > limits.carouselMax) {
      errors.push({ field: `${OPT}.carousel`, message: `must have ${limits.carouselMin} to ${limits.carouselMax} images (has ${o.carousel.length})` });
    }
    const items = o.carousel.map((item, i) => {
      const at = `${OPT}.carousel.${i}`;
      if (!isHttpUrl(item.media_url)) errors.push({ field: `${at}.media_url`, message: 'must be an http(s) URL' });
      tooLong(`${at}.title`, item.title, limits.title);
      tooLong(`${at}.description`, item.description, limits.description);
      let itemLink = item.link;
      if (itemLink !== undefined) {
        if (!isHttpUrl(itemLink)) errors.push({ field: `${at}.link`, message: 'must be an http(s) URL' });
        else itemLink = d.tag(itemLink);
      }
      return { url: item.media_url, ...(item.title !== undefined && { title: item.title }), ...(item.description !== undefined && { description: item.description }), ...(itemLink !== undefined && { link: itemLink }) };
    });
    media_source = { source_type: 'multiple_image_urls', items };
  } else if (!d.mediaUrl) {
    errors.push({ field: 'media_url', message: `Pinterest needs an image: give media_url or ${OPT}.carousel` });
  } else if (!isHttpUrl(d.mediaUrl)) {
    errors.push({ field: 'media_url', message: 'must be an http(s) URL' });
  }

  if (o.alt_text === undefined) warnings.push({ field: `${OPT}.alt_text`, message: 'is missing; alt text makes the pin accessible and helps search' });

  const payload: PinCreate = {
    board_id: d.boardId,
    ...(d.sectionId !== undefined && { board_section_id: d.sectionId }),
    ...(o.title !== undefined && { title: o.title }),
    ...(description !== undefined && description !== '' && { description }),
    ...(link !== undefined && { link }),
    ...(o.alt_text !== undefined && { alt_text: o.alt_text }),
    ...(o.dominant_color !== undefined && { dominant_color: o.dominant_color }),
    media_source,
  };
  return { payload, errors, warnings };
}
