/**
 * The images the e2e suites run, as Docker builds (for kind). The local cluster builds the same
 * Dockerfiles with buildah in e2e/cluster/images.sh, on a locally made base instead of BASE's default.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ClusterSettings } from './settings.js';

export interface ImageBuild {
  tag: string;
  dockerfile: string;
  context: string;
  /** Files that must exist first (weft's images need `npm run build`). */
  needs: string[];
}

export function e2eImages(repo: string, s: Pick<ClusterSettings, 'echoImage' | 'demoAppImage' | 'sidecarImage' | 'controlImage'>): ImageBuild[] {
  return [
    { tag: s.echoImage, dockerfile: join(repo, 'e2e/apps/echo/Dockerfile'), context: join(repo, 'e2e/apps/echo'), needs: [] },
    { tag: s.demoAppImage, dockerfile: join(repo, 'e2e/apps/demo/Dockerfile'), context: join(repo, 'e2e/apps/demo'), needs: [] },
    {
      tag: s.sidecarImage,
      dockerfile: join(repo, 'Dockerfile.sidecar'),
      context: repo,
      needs: [join(repo, 'dist/sidecar/main.js'), join(repo, 'package-lock.json')],
    },
    {
      tag: s.controlImage,
      dockerfile: join(repo, 'Dockerfile.control'),
      context: repo,
      needs: [join(repo, 'dist/control-plane/main.js'), join(repo, 'package-lock.json')],
    },
  ];
}

export function buildable(image: ImageBuild, exists: (path: string) => boolean = existsSync): boolean {
  return image.needs.every((path) => exists(path));
}
