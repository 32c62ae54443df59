import { describe, expect, it } from 'vitest';
import { shebangNodeFlags } from './entry-flags.js';

describe('shebangNodeFlags', () => {
  it('reads the flags of an `env -S node` line, and none from a plain one', () => {
    expect(shebangNodeFlags('#!/usr/bin/env -S node --max-semi-space-size=4  --foo')).toEqual(['--max-semi-space-size=4', '--foo']);
    expect(shebangNodeFlags('#!/usr/bin/env node')).toEqual([]);
    expect(shebangNodeFlags('import x from "y";')).toEqual([]);
  });
});
