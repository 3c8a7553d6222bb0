// Loaded with `node --import` before PostEverywhere's CLI: its requests to app.posteverywhere.ai go to the
// local Pinion named in PE_COMPAT_URL; nothing else may leave the machine.
const real = globalThis.fetch;
const target = process.env.PE_COMPAT_URL;
globalThis.fetch = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  if (url.startsWith('https://app.posteverywhere.ai/')) return real(`${target}${url.slice('https://app.posteverywhere.ai'.length)}`, init);
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`refused to leave the machine: ${url}`);
  return real(input, init);
};
