// Hedged attempts (Node builds): while an attempt runs past the policy's `hedgeDelay`, another
// starts beside it; the first success wins and the others are aborted through their signal.
// When to start one is the engine's rule (src/engine/hedge.rs); this module starts attempts,
// pays for hedges and waits.
import { newEngineHedging } from './engine-overload.js';
import { budgetEngine, sharedBudget } from './budget.js';
import { errorClasses } from './generated/tables.js';

// A hedge costs what a retry after an ordinary error costs (the budget's `retryCost`).
const OTHER = errorClasses.indexOf('other');

/**
 * The hedging of one call under `engine` (an EnginePolicy), or undefined when its policy does
 * not hedge. `budget`: the call's RetryBudget, or undefined.
 */
export function hedgingOf(engine, budget) {
  const hedging = newEngineHedging(engine);
  if (hedging === undefined) return undefined;
  const shared = budget === undefined ? undefined : sharedBudget(budget);
  const local = budget === undefined || shared !== undefined ? undefined : budgetEngine(budget);
  return {
    hedging,
    // What a hedge cost the budget (0 without one), or -1 when it cannot pay.
    pay: () => (shared !== undefined ? shared.acquire(OTHER) : local?.tryAcquire(OTHER) ?? 0),
    giveBack: (cost) => (shared ?? local)?.giveBack(cost),
  };
}

/**
 * Attempt `first` and the hedges it starts (`unref`: the hedge timer leaves the process free to
 * exit). `start(attempt, signal, hedge)` runs one attempt (through the breaker and the rate,
 * with its events) and resolves its outcome; `onHedge(attempt)` is told before hedge number
 * `attempt` starts. From the call's options (`callOptions`, or undefined): `mayHedge()` says
 * whether the work may run twice, and `discard(error)` is given each failure no one will see
 * (retryFetch frees its response). Resolves the first success or, once every attempt started
 * has failed, the last failure; a refusal by an open circuit or a deadline reached ends it at
 * once. `outcome.last` is the number of the last attempt started.
 */
export async function hedgedAttempts(call, first, maxAttempts, signal, unref, start, onHedge, callOptions) {
  const { hedging } = call;
  const running = [];
  const settled = [];
  let wake;
  let last = first;
  let lastFailure;
  let done = false;
  const begin = (attempt, hedge, cost) => {
    const controller = new AbortController();
    const attemptSignal = signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
    running.push(controller);
    hedging.started(now(), hedge);
    start(attempt, attemptSignal, hedge).then((outcome) => {
      // A hedge that lost while still waiting for a token was never sent: its price goes back.
      if (done) {
        if (hedge && outcome.notMade) call.giveBack(cost);
        return;
      }
      settled.push({ outcome, hedge, cost, controller });
      wake?.();
    });
  };
  // The others are aborted; never the winner's own signal, which may still be reading its
  // result (a response's body).
  const finish = (outcome, winner) => {
    done = true;
    // Outcomes that settled with the winner's, unread: an unsent hedge's price goes back.
    for (const { outcome: other, hedge, cost } of settled) if (hedge && other.notMade) call.giveBack(cost);
    for (const controller of running) if (controller !== winner) controller.abort(new HedgeLostError());
    if (lastFailure !== undefined && lastFailure !== outcome) callOptions?.discard?.(lastFailure.error);
    return { ...outcome, last };
  };
  begin(first, false, 0);
  for (;;) {
    while (settled.length > 0) {
      const { outcome, hedge, cost, controller } = settled.shift();
      if (outcome.ok || outcome.atDeadline || (outcome.circuitOpen && !hedge)) return finish(outcome, controller);
      hedging.failed();
      if (hedge && (outcome.circuitOpen || outcome.notMade)) {
        // Not sent: no failure of the service's, and the budget gets the hedge's price back.
        hedging.refused();
        call.giveBack(cost);
      } else {
        if (lastFailure !== undefined) callOptions?.discard?.(lastFailure.error);
        lastFailure = outcome;
      }
    }
    const step = hedging.step(now(), maxAttempts - last);
    if (step < 0) return finish(lastFailure);
    if (step === 0) {
      const cost = callOptions?.mayHedge?.() === false ? -1 : await call.pay();
      // An attempt may have settled while a shared budget's store answered: look again first.
      if (cost >= 0 && settled.length > 0) {
        call.giveBack(cost);
        continue;
      }
      if (cost < 0 || signal?.aborted) {
        if (cost > 0) call.giveBack(cost);
        hedging.refused();
        continue;
      }
      last += 1;
      onHedge(last);
      begin(last, true, cost);
      continue;
    }
    // Until the next hedge is due or an attempt settles, whichever comes first.
    let timer;
    await new Promise((resolve) => {
      wake = resolve;
      if (settled.length > 0) resolve();
      else if (step !== Infinity) {
        timer = setTimeout(resolve, step);
        if (unref) timer.unref();
      }
    });
    clearTimeout(timer);
    wake = undefined;
  }
}

/** The reason an attempt is aborted with when another attempt of its call succeeded first. */
export class HedgeLostError extends Error {
  constructor() {
    super('Another attempt of this call succeeded first');
    this.name = 'HedgeLostError';
  }
}
// The build minifies class names; an exported class gets its own back (see index.js).
Object.defineProperty(HedgeLostError, 'name', { value: 'HedgeLostError' });

const now = () => performance.now();
