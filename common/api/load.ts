/** Loads proto/weft/v1/config.proto at runtime (no generated code; see docs/decisions/0501). */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

const protoFile = join('proto', 'weft', 'v1', 'config.proto');

/** The repository (or installed package) root: the nearest ancestor that holds the proto. Works from sources and from dist/. */
export function protoPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, protoFile);
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find ${protoFile} above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

let cached: grpc.ServiceClientConstructor | undefined;

/** The ConfigDiscovery service definition and client constructor. */
export function configService(): grpc.ServiceClientConstructor {
  if (cached) return cached;
  const definition = protoLoader.loadSync(protoPath(), {
    keepCase: false,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const pkg = grpc.loadPackageDefinition(definition) as unknown as { weft: { v1: { ConfigDiscovery: grpc.ServiceClientConstructor } } };
  cached = pkg.weft.v1.ConfigDiscovery;
  return cached;
}
