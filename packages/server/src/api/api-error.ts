/** An error the API answers with a status and a message (JSON body `{statusCode, error, message}`). */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}
