import type { Policy, PolicyOptions } from 'jitterbug';

/** A method that returns a Promise (retried calls are asynchronous). */
type AsyncMethod = (this: any, ...args: any[]) => PromiseLike<unknown>;

/** What `@retryable(...)` returns: a decorator of async methods, standard or legacy. */
export interface RetryableDecorator {
  <M extends AsyncMethod>(method: M, context: ClassMethodDecoratorContext<unknown, M>): M;
  <M extends AsyncMethod>(prototype: object, name: string | symbol, descriptor: TypedPropertyDescriptor<M>): TypedPropertyDescriptor<M>;
}

/**
 * Retries each call of a class method under a Policy, policy options, or the defaults:
 * `@retryable()`, `@retryable({ maxAttempts: 5 })`, `@retryable(policy)`. TypeScript 5's
 * standard decorators, and `experimentalDecorators`' legacy ones alike.
 */
export declare function retryable(policy?: Policy | PolicyOptions): RetryableDecorator;
/** Bare `@retryable`: the default policy. */
export declare function retryable<M extends AsyncMethod>(method: M, context: ClassMethodDecoratorContext<unknown, M>): M;
export declare function retryable<M extends AsyncMethod>(prototype: object, name: string | symbol, descriptor: TypedPropertyDescriptor<M>): TypedPropertyDescriptor<M>;
