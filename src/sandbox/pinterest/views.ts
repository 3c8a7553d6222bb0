import { IMAGE_SIZES, renditionSize } from './images.js';
import type { Board, BoardSection, MediaStatus, MediaUpload, Pin, SandboxState, SandboxUser, StoredImage } from './state.js';

/** Where and how a response is written: the sandbox's public root, and the time format. */
export interface ViewTarget {
  baseUrl: string;
  timestamps: 'zoneless' | 'utc-z';
}

/** Production writes UTC times without a zone and without fractions ("2022-12-05T01:19:00"). */
export function timestamp(date: Date, style: ViewTarget['timestamps']): string {
  const iso = date.toISOString().slice(0, 19);
  return style === 'zoneless' ? iso : `${iso}Z`;
}

/** Media status is derived from the clock, so polling sees processing → succeeded without a background job. */
export function mediaStatus(media: MediaUpload, processingMs: number, now = Date.now()): MediaStatus {
  if (media.bytes === null || media.uploadedAt === null) return 'registered';
  if (now - media.uploadedAt < processingMs) return 'processing';
  return looksLikeVideo(media.bytes) ? 'succeeded' : 'failed';
}

/** MP4/MOV/M4V are ISO-BMFF files: the first box is `ftyp` at byte offset 4. */
export function looksLikeVideo(bytes: Buffer): boolean {
  return bytes.length >= 12 && bytes.toString('latin1', 4, 8) === 'ftyp';
}

export function mediaView(media: MediaUpload, processingMs: number) {
  return { media_id: media.id, media_type: media.mediaType, status: mediaStatus(media, processingMs) };
}

export function imageUrl(baseUrl: string, pinId: string, index: number, size: string): string {
  return `${baseUrl}/_media/pins/${pinId}/${index}/${size}.jpg`;
}

function imageSizes(baseUrl: string, pinId: string, index: number, image: StoredImage) {
  return Object.fromEntries(IMAGE_SIZES.map((size) => [size, { ...renditionSize(image, size), url: imageUrl(baseUrl, pinId, index, size) }]));
}

function pinMedia(pin: Pin, baseUrl: string) {
  if (pin.creativeType === 'CAROUSEL') {
    return {
      media_type: 'multiple_images',
      items: pin.items.map((item, index) => ({
        item_type: 'image',
        title: item.title,
        link: item.link,
        images: imageSizes(baseUrl, pin.id, index, item.image),
      })),
    };
  }
  const cover = pin.items[0];
  if (pin.creativeType === 'VIDEO') {
    // The sandbox does not decode video, so duration and dimensions stay null as the spec allows while processing.
    return {
      media_type: 'video',
      ...(cover ? { cover_image_url: imageUrl(baseUrl, pin.id, 0, '1200x'), images: imageSizes(baseUrl, pin.id, 0, cover.image) } : {}),
      video_url: null,
      duration: null,
      width: null,
      height: null,
    };
  }
  return { media_type: 'image', ...(cover ? { images: imageSizes(baseUrl, pin.id, 0, cover.image) } : {}) };
}

export function pinView(pin: Pin, viewer: SandboxUser, state: SandboxState, view: ViewTarget) {
  const { baseUrl } = view;
  const owner = state.users.get(pin.ownerId);
  return {
    id: pin.id,
    created_at: timestamp(pin.createdAt, view.timestamps),
    link: pin.link,
    title: pin.title,
    description: pin.description,
    dominant_color: pin.dominantColor,
    alt_text: pin.altText,
    creative_type: pin.creativeType,
    board_id: pin.boardId,
    board_section_id: pin.sectionId,
    board_owner: { username: owner?.username ?? '' },
    is_owner: pin.ownerId === viewer.id,
    is_standard: pin.isStandard,
    has_been_promoted: false,
    parent_pin_id: pin.parentPinId,
    media: pinMedia(pin, baseUrl),
  };
}

export function boardView(board: Board, state: SandboxState, view: ViewTarget) {
  const { baseUrl } = view;
  const owner = state.users.get(board.ownerId);
  const pins = [...state.pins.values()].filter((p) => p.boardId === board.id && p.items.length > 0).sort((a, b) => (BigInt(b.id) > BigInt(a.id) ? 1 : -1));
  const thumbnails = pins.slice(0, 4).map((p) => imageUrl(baseUrl, p.id, 0, '150x150'));
  const newest = pins[0];
  return {
    id: board.id,
    name: board.name,
    description: board.description,
    privacy: board.privacy,
    owner: { username: owner?.username ?? '' },
    created_at: timestamp(board.createdAt, view.timestamps),
    board_pins_modified_at: timestamp(board.pinsModifiedAt, view.timestamps),
    pin_count: [...state.pins.values()].filter((p) => p.boardId === board.id).length,
    follower_count: 0,
    collaborator_count: 0,
    is_ads_only: board.isAdsOnly,
    media: {
      image_cover_url: newest ? imageUrl(baseUrl, newest.id, 0, '400x300') : null,
      pin_thumbnail_urls: thumbnails,
    },
  };
}

export function sectionView(section: BoardSection) {
  return { id: section.id, name: section.name };
}

export function accountView(user: SandboxUser, state: SandboxState) {
  return {
    account_type: user.accountType,
    id: user.id,
    username: user.username,
    profile_image: '',
    website_url: '',
    about: '',
    business_name: user.accountType === 'BUSINESS' ? user.username : null,
    board_count: state.boardsOf(user.id).length,
    pin_count: state.pinsOf(user.id).length,
    follower_count: 0,
    following_count: 0,
    monthly_views: 0,
  };
}
