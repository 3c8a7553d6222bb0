import sharp from 'sharp';
import { DEFAULT_MAX_INPUT_PIXELS } from './probe.js';

export interface Converted {
  bytes: Buffer;
  mime: 'image/jpeg' | 'image/png';
  width: number;
  height: number;
}

/**
 * Makes an image a platform's upload path takes: JPEG, or PNG when the image has transparency
 * and the platform takes PNG (flattening it onto a colour would change the picture). GIFs give
 * their first frame. With `crop`, the image is cut to the platform's advised shape around its
 * most salient part (sharp's attention strategy) and sized to it.
 * EXIF orientation is applied first so the output is upright without relying on metadata.
 */
export async function convertImage(
  bytes: Buffer,
  options: { formats: readonly ('image/jpeg' | 'image/png')[]; crop?: { width: number; height: number }; maxInputPixels?: number },
): Promise<Converted> {
  const source = sharp(bytes, { failOn: 'error', pages: 1, limitInputPixels: options.maxInputPixels ?? DEFAULT_MAX_INPUT_PIXELS });
  const meta = await source.metadata();
  let image = source.rotate();
  if (options.crop) {
    image = image.resize(options.crop.width, options.crop.height, { fit: 'cover', position: sharp.strategy.attention });
  }
  // An alpha channel is not transparency (GIFs always decode with one): look at the pixels.
  const keepPng = options.formats.includes('image/png') && meta.hasAlpha === true && !(await source.clone().stats()).isOpaque;
  const out = keepPng ? image.png() : image.flatten({ background: '#ffffff' }).jpeg({ quality: 90, mozjpeg: true });
  const { data, info } = await out.toBuffer({ resolveWithObject: true });
  return { bytes: data, mime: keepPng ? 'image/png' : 'image/jpeg', width: info.width, height: info.height };
}
