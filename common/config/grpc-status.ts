/** gRPC status names by their numeric code (grpc/doc/statuscodes.md), shared by the config and the sidecar. */
export const grpcStatusNames = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS',
  'PERMISSION_DENIED', 'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE',
  'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
] as const;

/** The statuses a policy may list (retry on, count as failures): every one but OK. */
export const grpcErrorNames = grpcStatusNames.slice(1);
