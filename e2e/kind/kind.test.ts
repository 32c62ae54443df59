import { describe, expect, it } from 'vitest';
import type { RunResult } from '../cluster/exec.js';
import {
  DEFAULT_NODE_IMAGE,
  Kind,
  KindUsageError,
  createClusterArgs,
  deleteClusterArgs,
  dockerBuildArgs,
  exportKubeconfigArgs,
  loadImagesArgs,
  parseClusterList,
  validateClusterName,
} from './kind.js';

describe('kind command building', () => {
  it('creates a cluster with the pinned node image by default', () => {
    expect(createClusterArgs({ name: 'weft' })).toEqual(['kind', 'create', 'cluster', '--name', 'weft', '--image', DEFAULT_NODE_IMAGE]);
  });

  it('passes config, kubeconfig and wait when given, and a custom kind binary', () => {
    expect(
      createClusterArgs(
        { name: 'dev-1', nodeImage: 'kindest/node:v1.32.2', configFile: 'kind.yaml', kubeconfig: '/tmp/kc', wait: '120s' },
        '/opt/kind',
      ),
    ).toEqual([
      '/opt/kind', 'create', 'cluster', '--name', 'dev-1', '--image', 'kindest/node:v1.32.2',
      '--config', 'kind.yaml', '--kubeconfig', '/tmp/kc', '--wait', '120s',
    ]);
  });

  it('refuses a wait that kind would not parse', () => {
    expect(() => createClusterArgs({ name: 'weft', wait: '2 minutes' })).toThrow(KindUsageError);
  });

  it('deletes, exports the kubeconfig and loads images by cluster name', () => {
    expect(deleteClusterArgs('weft')).toEqual(['kind', 'delete', 'cluster', '--name', 'weft']);
    expect(deleteClusterArgs('weft', '/tmp/kc')).toEqual(['kind', 'delete', 'cluster', '--name', 'weft', '--kubeconfig', '/tmp/kc']);
    expect(exportKubeconfigArgs('weft', '/tmp/kc')).toEqual(['kind', 'export', 'kubeconfig', '--name', 'weft', '--kubeconfig', '/tmp/kc']);
    expect(loadImagesArgs('weft', ['a:1', 'b:2'])).toEqual(['kind', 'load', 'docker-image', '--name', 'weft', 'a:1', 'b:2']);
  });

  it('refuses loading no image at all', () => {
    expect(() => loadImagesArgs('weft', [])).toThrow(/at least one image/);
  });

  it.each(['', 'Weft', 'weft_1', '-weft', 'weft-', 'a'.repeat(51), 'we ft'])('rejects the cluster name %j', (name) => {
    expect(() => validateClusterName(name)).toThrow(KindUsageError);
  });

  it.each(['weft', 'w', 'weft-e2e-2', 'a'.repeat(50)])('accepts the cluster name %j', (name) => {
    expect(validateClusterName(name)).toBe(name);
  });

  it('builds docker build argv with sorted build args and the context last', () => {
    expect(
      dockerBuildArgs({ dockerfile: 'Dockerfile.sidecar', tag: 'weft/sidecar:dev', context: '.', buildArgs: { Z: '1', BASE: 'node:20' } }),
    ).toEqual(['docker', 'build', '-f', 'Dockerfile.sidecar', '-t', 'weft/sidecar:dev', '--build-arg', 'BASE=node:20', '--build-arg', 'Z=1', '.']);
  });

  it('parses kind get clusters, including the empty answer', () => {
    expect(parseClusterList('weft\nother\n')).toEqual(['weft', 'other']);
    expect(parseClusterList('No kind clusters found.\n')).toEqual([]);
    expect(parseClusterList('')).toEqual([]);
  });
});

describe('Kind runner', () => {
  function recorder(stdout = ''): { calls: string[][]; exec: (argv: readonly string[]) => Promise<RunResult> } {
    const calls: string[][] = [];
    return { calls, exec: async (argv) => (calls.push([...argv]), { stdout, stderr: '' }) };
  }

  it('checks existence through kind get clusters', async () => {
    const r = recorder('weft\n');
    const kind = new Kind(r.exec, '/bin/kind');
    expect(await kind.exists('weft')).toBe(true);
    expect(await kind.exists('other')).toBe(false);
    expect(r.calls[0]).toEqual(['/bin/kind', 'get', 'clusters']);
  });

  it('runs builds with the docker binary and loads with the kind binary', async () => {
    const r = recorder();
    const kind = new Kind(r.exec, 'k', 'd');
    await kind.build({ dockerfile: 'F', tag: 't:1', context: 'ctx' });
    await kind.load('weft', ['t:1']);
    expect(r.calls).toEqual([
      ['d', 'build', '-f', 'F', '-t', 't:1', 'ctx'],
      ['k', 'load', 'docker-image', '--name', 'weft', 't:1'],
    ]);
  });
});
