/**
 * One coded error for the whole application. The code doubles as the i18n key
 * (`errors.<code>`), the status is what an HTTP edge answers.
 */
export class AppError extends Error {
  constructor(
    readonly code: string,
    readonly status = 400,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(code, options?.cause ? { cause: options.cause } : undefined);
    this.name = 'AppError';
    this.details = options?.details;
  }
  readonly details: Record<string, unknown> | undefined;
}

export const notFound = (what: string) => new AppError(`${what}_not_found`, 404);
export const forbidden = () => new AppError('forbidden', 403);
