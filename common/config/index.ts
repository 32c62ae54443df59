export * from './types.js';
export { parseProxyConfig, parseRoute, trafficPolicy, retries as parseRetryPolicy } from './parse.js';
export { parseDuration, formatDuration } from './duration.js';
export * from './defaults.js';
export { Reader } from './reader.js';
export { toDocument, trafficPolicyDocument } from './document.js';
export { grpcStatusNames, grpcErrorNames } from './grpc-status.js';
