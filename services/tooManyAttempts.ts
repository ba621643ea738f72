/**
 * Thrown by a service when its caller has asked too often (a velocity limit wraps the service
 * in the composition root). A dialog that catches it tells the resident politely and offers
 * another way, such as the phone line.
 */
export class TooManyAttempts extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('too many attempts');
    this.name = 'TooManyAttempts';
  }
}
