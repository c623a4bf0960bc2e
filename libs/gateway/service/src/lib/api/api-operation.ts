import { Type } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiResponse } from '@nestjs/swagger';

/** A method decorator that fits only methods answering R (or a promise of it). */
type ForMethodsAnswering<R> = <M extends (...args: any[]) => R | Promise<R>>(target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<M>) => void;

/** The operation's stable id (what generated clients call it) and its one-line summary. */
export function Operation(operationId: string, summary: string): MethodDecorator {
  return ApiOperation({ operationId, summary });
}

/**
 * An example of T, read-only all the way down: examples are declared `as const`, so a code
 * field keeps its literal type and the compiler checks it against the field's code list.
 */
type Example<T> = T extends readonly (infer E)[] ? readonly Example<E>[] : T extends object ? { readonly [K in keyof T]: Example<T[K]> } : T;

/**
 * The success answer of an operation: its status and the response class that is its schema.
 * The decorator only fits a method that returns that class (the compiler checks it), so the
 * document describes the type the route really answers; an example must be one too.
 */
export function Answers<T>(status: number, type: Type<T>, description: string, example?: NoInfer<Example<T>>): ForMethodsAnswering<T>;
export function Answers<T>(status: number, type: [Type<T>], description: string, example?: NoInfer<readonly Example<T>[]>): ForMethodsAnswering<T[]>;
export function Answers(status: number, type: Type<unknown> | [Type<unknown>], description: string, example?: unknown) {
  const many = Array.isArray(type);
  return (target: object, key: string | symbol, descriptor: PropertyDescriptor) =>
    ApiResponse({ status, description, type: many ? type[0] : type, isArray: many, ...(example !== undefined ? { example } : {}) })(target, key, descriptor);
}

/** A route that answers a file (written to the response, so no JSON schema): its media types. */
export function AnswersFile(description: string, ...mediaTypes: string[]): MethodDecorator {
  const content = Object.fromEntries(mediaTypes.map((mediaType) => [mediaType, { schema: { type: 'string', format: 'binary' } }]));
  return (target, key, descriptor) => {
    ApiProduces(...mediaTypes)(target, key, descriptor);
    ApiResponse({ status: 200, description, content })(target, key, descriptor);
  };
}

/** A problem only this route answers (the common ones are added to every operation by openapi-document.ts). */
export function AnswersProblem(status: number, description: string): MethodDecorator {
  return ApiResponse({ status, description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } });
}
