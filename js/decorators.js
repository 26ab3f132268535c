// jitterbug/decorators: `@retryable()` for class methods, with a Policy, options, or none (the
// defaults), and bare `@retryable`. TypeScript 5's standard decorators, and the legacy ones of
// `experimentalDecorators` (NestJS, older Angular) alike. The method keeps its `this` and
// arguments; each call is retried under the policy, which is built (and checked) once, when
// the class is defined.
import { Policy } from 'jitterbug';
import { describe } from './describe.js';

/** Whether `args` are what a decorator receives (bare `@retryable`), not options. */
function isDecoration(args) {
  const [target, context] = args;
  return (typeof target === 'function' && typeof context === 'object' && context !== null && 'kind' in context) ||
    (args.length === 3 && typeof context !== 'object');
}

function decorator(policy) {
  return (...args) => {
    const [target, context, descriptor] = args;
    // Standard decorators: (method, context).
    if (typeof context === 'object' && context !== null && 'kind' in context) {
      if (context.kind !== 'method' || typeof target !== 'function') {
        throw new TypeError(`@retryable() decorates class methods, not a ${context.kind} (\`${String(context.name)}\`)`);
      }
      return policy.wrap(target);
    }
    // Legacy decorators (experimentalDecorators): (prototype, name, descriptor).
    if (typeof descriptor?.value !== 'function') {
      throw new TypeError(`@retryable() decorates class methods, not \`${String(context)}\` (an accessor or a field)`);
    }
    return { ...descriptor, value: policy.wrap(descriptor.value) };
  };
}

/**
 * `@retryable(policyOrOptions?)`, or bare `@retryable`: each call of the method is retried
 * under the policy (a Policy, policy options, or the defaults).
 */
export function retryable(...args) {
  if (isDecoration(args)) return decorator(new Policy())(...args);
  const [options] = args;
  if (args.length > 1 || (options !== undefined && (options === null || typeof options !== 'object'))) {
    throw new TypeError(`@retryable() takes a Policy or policy options, got ${describe(options)}`);
  }
  return decorator(options instanceof Policy ? options : new Policy(options));
}
