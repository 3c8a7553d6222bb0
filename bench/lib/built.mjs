/**
 * Run a bench against the build (`npm run build`, in `dist/`), which is what `npm start` and the
 * `pinion` command run, instead of the TypeScript sources as tsx transforms them on load. Loaded
 * with `--import` after tsx (bench/run.ts does it when PINION_BENCH_BUILD=1): every module that
 * resolves to `src/….ts` is taken from `dist/….js` instead, so the benches keep importing (and being
 * type-checked against) the sources while the code measured is the build. Plain JavaScript, since
 * it is loaded before tsx could help.
 */
import { register } from 'node:module';

if (process.env.PINION_BENCH_BUILD === '1') register('./built-resolve.mjs', import.meta.url);
