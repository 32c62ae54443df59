/** The authentication hook every stream passes before it gets config; mTLS peer checks plug in here. */
import type * as grpc from '@grpc/grpc-js';
import type { ProxyIdentity } from '../state/proxy-identity.js';

export interface AuthRequest {
  identity: ProxyIdentity;
  metadata: grpc.Metadata;
  /** Remote address as grpc-js reports it. */
  peer: string;
  /** TLS peer certificate, when the server runs with TLS (undefined on plaintext). */
  peerCertificate?: unknown;
}

export interface Authenticator {
  /** Resolve to admit the proxy; reject (with a reason) to refuse the stream with UNAUTHENTICATED. */
  authenticate(req: AuthRequest): Promise<void>;
}

/** Admits everyone: plaintext in-cluster mode, before workload identities exist. */
export const allowAll: Authenticator = { authenticate: async () => undefined };
