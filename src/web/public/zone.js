import { isZone } from './time.js';

const KEY = 'pinion.zone';
const browserZone = () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** The zone the viewer sees times in: the browser's, unless they chose another (kept in this browser). */
export function viewerZone() {
  const chosen = localStorage.getItem(KEY);
  return chosen && isZone(chosen) ? chosen : browserZone();
}

/** Fills an input's datalist with every IANA zone the browser knows, once. */
export function zoneList(input) {
  const list = document.getElementById(input.getAttribute('list') ?? '');
  if (list && !list.children.length) {
    for (const z of Intl.supportedValuesOf?.('timeZone') ?? []) list.append(new Option(z, z));
  }
}

/** Wires a zone input (with a datalist of every zone the browser knows); calls back with each valid change. */
export function zoneInput(input, onChange, { remember = true } = {}) {
  zoneList(input);
  input.value = viewerZone();
  input.addEventListener('change', () => {
    const zone = input.value.trim();
    const ok = isZone(zone);
    input.setAttribute('aria-invalid', String(!ok));
    if (!ok) return;
    if (remember) localStorage.setItem(KEY, zone);
    onChange(zone);
  });
}
