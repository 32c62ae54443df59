import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { builtEntry } from '../../../common/testing/built-entry.js';

const main = builtEntry('control-plane/cli/weftctl/main.js');
const fixture = new URL('../../injector/testdata/manifests/workloads.yaml', import.meta.url);
const golden = readFileSync(new URL('../../injector/testdata/manifests/workloads.injected.yaml', import.meta.url), 'utf8');

function run(args: string[], stdin = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [main.pathname, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'weftctl-'));
  dirs.push(dir);
  return dir;
}

describe('weftctl inject (the built binary, as a process)', () => {
  it('reads stdin by default and writes the golden output, reporting each workload on stderr', async () => {
    const r = await run(['inject'], readFileSync(fixture, 'utf8'));
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(golden);
    expect(r.stderr).toContain('deployment/reviews-v1: injected');
    expect(r.stderr).toContain('daemonset/node-agent: skipped (host-network pods are never injected)');
  });

  it('reads several files, "-" among them, into one multi-document stream', async () => {
    const dir = tempDir();
    const a = join(dir, 'a.yaml');
    writeFileSync(a, 'apiVersion: v1\nkind: Pod\nmetadata: { name: a }\nspec: { containers: [{ name: a, image: x }] }');
    const r = await run(['inject', '-q', a, '-'], 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(docs.map((d) => d.kind)).toEqual(['Pod', 'ConfigMap']);
    expect(docs[0].spec.initContainers.map((c: { name: string }) => c.name)).toEqual(['weft-init', 'weft-proxy']);
  });

  it('uses the settings file', async () => {
    const dir = tempDir();
    const settings = join(dir, 's.json');
    writeFileSync(settings, JSON.stringify({ image: 'registry.example/weft/sidecar:9' }));
    const r = await run(['inject', '--settings', settings], 'kind: Pod\nmetadata: { name: a }\nspec: { containers: [{ name: a, image: x }] }\n');
    expect(r.stdout).toContain('image: registry.example/weft/sidecar:9');
    writeFileSync(settings, JSON.stringify({ imagePullPolicy: 'Often' }));
    const bad = await run(['inject', '--settings', settings], 'kind: Pod\n');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('weftctl inject: imagePullPolicy: "Often" is not one of Always, IfNotPresent, Never');
  });

  it('stops with exit 1, the message and no output on a bad annotation, a missing file or an unknown command', async () => {
    const bad = await run(['inject'], readFileSync(fixture, 'utf8').replace('"5432"', '"5432,http"'));
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain('weftctl inject: deployment/reviews-v1: annotation weft.dev/exclude-outbound-ports: "http" is not a port');
    const missing = await run(['inject', '/nonexistent/x.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/ENOENT.*x\.yaml/);
    const typo = await run(['injct']);
    expect(typo.code).not.toBe(0);
    expect(typo.stderr).toContain('Did you mean inject?');
  });
});
