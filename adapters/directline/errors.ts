/**
 * Every refusal the Direct Line routes give, as `{ error: { code, message } }` like Azure's
 * Direct Line. The codes are part of our contract with the web page (README of the adapter
 * lists them); messages are plain English and never echo what the resident sent.
 */
export type DirectLineErrorCode =
  | 'MissingAuthorization'
  | 'TokenInvalid'
  | 'TokenExpired'
  | 'Forbidden'
  | 'SecretRequired'
  | 'ConversationNotFound'
  | 'ConversationClosed'
  | 'BadJson'
  | 'TooDeep'
  | 'TooManyRequests'
  | 'TooManyStreams'
  | 'BadArgument'
  | 'BodyTooLarge'
  | 'TextTooLong'
  | 'UploadNotSupported'
  | 'ServiceUnavailable'
  | 'ServiceError';

export class DirectLineError extends Error {
  constructor(
    readonly status: number,
    readonly code: DirectLineErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DirectLineError';
  }

  toBody(): { error: { code: DirectLineErrorCode; message: string } } {
    return { error: { code: this.code, message: this.message } };
  }
}

export const Errors = {
  missingAuthorization: () =>
    new DirectLineError(401, 'MissingAuthorization', 'Send "Authorization: Bearer <token or secret>".'),
  tokenInvalid: () => new DirectLineError(403, 'TokenInvalid', 'The token is not valid.'),
  tokenTooOld: () =>
    new DirectLineError(
      403,
      'TokenExpired',
      'This conversation has lasted as long as it can. Please start a new conversation.',
    ),
  tokenExpired: () => new DirectLineError(403, 'TokenExpired', 'The token has expired. Get a new one from the page.'),
  forbidden: () => new DirectLineError(403, 'Forbidden', 'This token does not give access to that conversation.'),
  secretRequired: () => new DirectLineError(403, 'SecretRequired', 'This operation needs the Direct Line secret.'),
  notFound: () => new DirectLineError(404, 'ConversationNotFound', 'There is no such conversation.'),
  closed: (idleMinutes: number) =>
    new DirectLineError(
      410,
      'ConversationClosed',
      `This conversation was closed after ${idleMinutes} minutes without activity. Please start a new conversation.`,
    ),
  badJson: () => new DirectLineError(400, 'BadJson', 'The request body is not valid JSON.'),
  tooDeep: (limit: number) =>
    new DirectLineError(400, 'TooDeep', `The request body nests deeper than ${limit} levels.`),
  tooManyRequests: (retryAfterSeconds: number) =>
    new DirectLineError(429, 'TooManyRequests', `Too many requests. Please try again in ${retryAfterSeconds} seconds.`),
  tooManyStreams: () =>
    new DirectLineError(
      429,
      'TooManyStreams',
      'Too many connections are open to this conversation. Close one and try again.',
    ),
  badArgument: (detail: string) => new DirectLineError(400, 'BadArgument', detail),
  bodyTooLarge: (limit: number) =>
    new DirectLineError(413, 'BodyTooLarge', `The request body is larger than ${limit} bytes.`),
  textTooLong: (limit: number) =>
    new DirectLineError(
      413,
      'TextTooLong',
      `Messages can be at most ${limit} characters. Please send a shorter message.`,
    ),
  uploadNotSupported: () => new DirectLineError(400, 'UploadNotSupported', 'File uploads are not supported here.'),
  unavailable: () =>
    new DirectLineError(503, 'ServiceUnavailable', 'The service is shutting down. Please try again in a moment.'),
  busy: () =>
    new DirectLineError(503, 'ServiceUnavailable', 'Messages cannot be taken for a moment. Please try again.'),
  serviceError: () => new DirectLineError(500, 'ServiceError', 'Something went wrong on our side.'),
};
