import { describe, expect, it } from 'vitest';
import { namespacedKey } from './keys.js';

describe('namespacedKey', () => {
  it('joins namespace and name with a slash', () => {
    expect(namespacedKey('shop', 'reviews')).toBe('shop/reviews');
  });

  it('keys a cluster-scoped object (no or empty namespace) by its name alone', () => {
    expect(namespacedKey(undefined, 'shop')).toBe('shop');
    expect(namespacedKey('', 'shop')).toBe('shop');
  });
});
