import type { MediaRules } from '../contract.js';
import type { FieldIssue } from '../types.js';
import { YT } from './platform.js';

/** Bytes YouTube takes: any video (Google lists `video/*`) up to 256 GiB; images only as a video's cover. */
export const youtubeMediaRules: MediaRules = {
  /** A video URL is downloaded by Pinion at publish time and uploaded like stored media (YouTube fetches nothing by URL). */
  byUrl: ['video'],
  check(media) {
    const errors: FieldIssue[] = [];
    const warnings: FieldIssue[] = [];
    const field = 'media';
    if (media.unreadable) errors.push({ field, message: `cannot be read as ${media.mime}: ${media.unreadable}` });
    if (media.kind === 'video') {
      if (media.size > YT.maxVideoBytes) errors.push({ field, message: `is ${media.size} bytes; YouTube takes videos up to 256 GiB` });
    } else if (media.kind === 'image') {
      errors.push({ field, message: "YouTube takes videos only; a JPEG or PNG up to 2 MiB can be a video's cover (platform_options.youtube.cover_media_id)" });
    } else errors.push({ field, message: `is ${media.mime}; YouTube takes videos` });
    return { errors, warnings };
  },
};
