import type { PinterestOptions } from '../../posts/request.js';
import type { FieldIssue } from '../types.js';
import { PINTEREST } from './platform.js';
import { isHttpUrl, pinMediaSource, type MediaInfo, type MediaSource } from './adapt-media.js';

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

export interface PinDraft {
  content?: string;
  /** The post-wide link; Pinterest's own `link` option wins over it. */
  link?: string;
  mediaUrl?: string;
  /** Media stored in Pinion (image or video), instead of mediaUrl. */
  mediaId?: string;
  /** What planning looked up about each media id the post names. */
  media: (id: string) => MediaInfo | undefined;
  options: PinterestOptions;
  boardId: string;
  sectionId?: string;
  /** Applied to every link, after choosing it. */
  tag: (link: string) => string;
}

const OPT = 'platform_options.pinterest';
/** Pinterest counts characters, not UTF-16 units; an emoji is one. */
const length = (s: string) => [...s].length;

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

  const media_source = pinMediaSource({ mediaUrl: d.mediaUrl, mediaId: d.mediaId, options: o, tag: d.tag, media: d.media }, { errors, warnings });

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
