/** Wire types of proto/weft/v1/config.proto as @grpc/proto-loader decodes them; kept apart from the domain model so only the edges convert (docs/contributing.md). */

export interface ProxyIdentityMessage {
  pod: string;
  namespace: string;
  serviceAccount: string;
  workload: string;
  labels: Record<string, string>;
  podIp: string;
}

export interface HelloMessage {
  identity?: ProxyIdentityMessage;
  currentVersion: string;
}

export interface AckMessage {
  nonce: string;
  version: string;
}

export interface NackMessage extends AckMessage {
  error: string;
}

export interface ProxyMessage {
  hello?: HelloMessage;
  ack?: AckMessage;
  nack?: NackMessage;
  kind?: 'hello' | 'ack' | 'nack';
}

export interface ConfigUpdateMessage {
  version: string;
  nonce: string;
  configJson: string;
  configJsonGzip: Buffer;
  /** int64 decoded as a string to keep precision. */
  observedAtUnixMs: string;
}

export const configServiceName = 'weft.v1.ConfigDiscovery';
