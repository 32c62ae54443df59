/** Kubernetes resource quantities (`250m`, `1.5`, `128Mi`, `1G`): checked and turned into numbers for comparison. */

const suffixes: Record<string, number> = {
  '': 1,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const pattern = /^(\d+(?:\.\d+)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;

/** The quantity's value in base units, or undefined when the text is not a (non-negative, plain) quantity. */
export function parseQuantity(text: string): number | undefined {
  const m = pattern.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * suffixes[m[2] ?? '']!;
}
