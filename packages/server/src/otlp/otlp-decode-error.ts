/** A request body that is not a valid OTLP export request. Answered with 400 (gRPC INVALID_ARGUMENT). */
export class OtlpDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpDecodeError';
  }
}
