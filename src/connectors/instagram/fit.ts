import sharp from 'sharp';
import { IG_LIMITS } from './platform.js';

/**
 * An image brought within Instagram's feed aspect ratios (4:5 to 1.91:1): `crop` keeps the middle,
 * `pad` adds white bands. Returns undefined when the image already fits (it is sent as it is).
 */
export async function fitAspect(bytes: Buffer, mode: 'crop' | 'pad'): Promise<Buffer | undefined> {
  const { width, height } = await sharp(bytes).metadata();
  if (!width || !height) return undefined;
  const ratio = width / height;
  const tall = ratio < IG_LIMITS.minRatio;
  if (!tall && ratio <= IG_LIMITS.maxRatio) return undefined;
  const image = sharp(bytes).rotate();
  const white = { r: 255, g: 255, b: 255, alpha: 1 };
  let out: ReturnType<typeof sharp>;
  if (mode === 'crop') {
    // floor keeps the result on the allowed side of the bound.
    out = tall
      ? image.extract({
          left: 0,
          top: Math.floor((height - Math.floor(width / IG_LIMITS.minRatio)) / 2),
          width,
          height: Math.floor(width / IG_LIMITS.minRatio),
        })
      : image.extract({
          left: Math.floor((width - Math.floor(height * IG_LIMITS.maxRatio)) / 2),
          top: 0,
          width: Math.floor(height * IG_LIMITS.maxRatio),
          height,
        });
  } else {
    const side = tall ? Math.ceil(height * IG_LIMITS.minRatio) - width : 0;
    const band = tall ? 0 : Math.ceil(width / IG_LIMITS.maxRatio) - height;
    out = image.extend({ left: Math.floor(side / 2), right: Math.ceil(side / 2), top: Math.floor(band / 2), bottom: Math.ceil(band / 2), background: white });
  }
  return out.jpeg({ quality: 90 }).toBuffer();
}
