import { describe, expect, it } from 'vitest';
import { firstVersion, versionOf } from './machine.js';

describe('versions', () => {
  it('finds the version token in the ways nginx, HAProxy and fortio print it', () => {
    expect(firstVersion('nginx version: nginx/1.22.1\n')).toBe('1.22.1');
    expect(firstVersion('HAProxy version 2.6.12-1+deb12u4 2026/10/17 - https://haproxy.org/')).toBe('2.6.12-1+deb12u4');
    expect(firstVersion('1.68.2\n')).toBe('1.68.2');
    expect(firstVersion('')).toBe('absent');
  });

  it('reads a version printed on stderr, and says absent for a missing program', () => {
    expect(versionOf(process.execPath, ['-e', 'process.stderr.write("tool 3.4.5\\n")'])).toBe('3.4.5');
    expect(versionOf('/nonexistent/weft-tool', ['-v'])).toBe('absent');
  });
});
