import sharp from 'sharp';
import { PINTEREST_MEDIA } from './pinterest-rules.js';
import { DEFAULT_MAX_INPUT_PIXELS } from './probe.js';

export interface Converted {
  bytes: Buffer;
  mime: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
}

/**
 * Makes an image Pinterest's upload path (image_base64) takes: JPEG, or PNG when the image has
 * transparency (flattening it onto a colour would change the picture; Pinterest accepts PNG).
 * GIFs give their first frame. With `crop`, the image is cut to 2:3 around its most salient part
 * (sharp's attention strategy) and sized to 1000×1500, what the feed shows uncropped.
 * EXIF orientation is applied first so the output is upright without relying on metadata.
 */
export async function convertForPinterest(bytes: Buffer, options: { crop?: boolean; maxInputPixels?: number } = {}): Promise<Converted> {
  const source = sharp(bytes, { failOn: 'error', pages: 1, limitInputPixels: options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS });
  const meta = await source.metadata();
  let image = source.rotate();
  if (options.crop) {
    image = image.resize(PINTEREST_MEDIA.convertWidth, PINTEREST_MEDIA.convertHeight, { fit: 'cover', position: sharp.strategy.attention });
  }
  // An alpha channel is not transparency (GIFs always decode with one): look at the pixels.
  const keepPng = meta.hasAlpha === true && !(await source.clone().stats()).isOpaque;
  const out = keepPng ? image.png() : image.flatten({ background: '#ffffff' }).jpeg({ quality: 90, mozjpeg: true });
  const { data, info } = await out.toBuffer({ resolveWithObject: true });
  return { bytes: data, mime: keepPng ? 'image/png' : 'image/jpeg', width: info.width, height: info.height };
}
