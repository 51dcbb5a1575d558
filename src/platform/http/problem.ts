/**
 * RFC 9457 problem details. `code` is a stable English identifier for clients;
 * `title` and `detail` are shown to people, so they are Spanish (es-AR).
 */
export interface FieldError {
  path: string;
  message: string;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  code: string;
  detail?: string;
  instance?: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly detail?: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(`${code}: ${detail ?? title}`);
    this.name = 'ProblemError';
  }

  toBody(instance?: string): ProblemBody {
    return {
      type: problemType(this.code),
      title: this.title,
      status: this.status,
      code: this.code,
      ...(this.detail ? { detail: this.detail } : {}),
      ...(instance ? { instance } : {}),
      ...this.extensions,
    };
  }
}

export function problemType(code: string): string {
  return `urn:barberpro:problem:${code.replace(/_/g, '-')}`;
}

export const problems = {
  validation: (errors: FieldError[], detail = 'Revisá los datos enviados.') =>
    new ProblemError(400, 'validation_failed', 'La solicitud tiene datos inválidos', detail, { errors }),
  badRequest: (code: string, detail: string) => new ProblemError(400, code, 'Solicitud inválida', detail),
  unauthorized: (detail = 'Iniciá sesión para continuar.') =>
    new ProblemError(401, 'unauthorized', 'No autenticado', detail),
  forbidden: (detail = 'No tenés permiso para hacer esto.') => new ProblemError(403, 'forbidden', 'Acceso denegado', detail),
  notFound: (what: string) => new ProblemError(404, 'not_found', 'No encontrado', `${what} no existe o no tenés acceso.`),
  conflict: (code: string, detail: string, extensions: Record<string, unknown> = {}) =>
    new ProblemError(409, code, 'Conflicto', detail, extensions),
  unprocessable: (code: string, detail: string, extensions: Record<string, unknown> = {}) =>
    new ProblemError(422, code, 'No se puede procesar', detail, extensions),
  unavailable: (detail = 'El servicio no está disponible en este momento. Probá de nuevo en unos segundos.') =>
    new ProblemError(503, 'service_unavailable', 'Servicio no disponible', detail),
};
