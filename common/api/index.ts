/** The config API shared by the control plane and the sidecar. */
export * from './wire.js';
export { configService, protoPath } from './load.js';
export { decodePayload, encodePayload } from './payload.js';
