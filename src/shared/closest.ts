/** Up to three of `names` most like `asked` (containing it, else sharing the most letters), for "did you mean" messages. */
export function closestNames(asked: string, names: readonly string[], count = 3): string[] {
  const a = asked.toLowerCase();
  const score = (n: string) => {
    const b = n.toLowerCase();
    if (b.includes(a) || a.includes(b)) return 100;
    let common = 0;
    for (const ch of new Set(a)) if (b.includes(ch)) common++;
    return common;
  };
  return [...names].sort((x, y) => score(y) - score(x)).slice(0, count);
}
