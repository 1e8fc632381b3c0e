import { Composer, type Context, type Middleware, type MiddlewareFn, type NextFunction } from 'grammy';

type MaybePromise<T> = T | Promise<T>;

const isPromise = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === 'function';

/**
 * A filter registered on a composer: `run` (the composer `filter` returned) when `predicate` holds
 * (fails, with `negate`), else on to the next step.
 */
interface FilterStep<C extends Context> {
  readonly predicate: (ctx: C) => unknown;
  readonly run: MiddlewareFn<C>;
  readonly negate: boolean;
}
type Step<C extends Context> = MiddlewareFn<C> | FilterStep<C>;

const asFunction = <C extends Context>(middleware: Middleware<C>): MiddlewareFn<C> =>
  typeof middleware === 'function' ? middleware : (ctx, next) => middleware.middleware()(ctx, next);

/**
 * Runs `steps` from `index` on, then `next`. A filter whose synchronous predicate fails (every
 * filter query, command, callback data and chat type is one) is passed over in the loop: an update
 * that matches none of a feature's filters costs their predicates' calls and nothing more. Only a
 * predicate that returns a promise is waited for.
 */
function runSteps<C extends Context>(
  steps: readonly Step<C>[],
  index: number,
  ctx: C,
  next: NextFunction,
): Promise<unknown> {
  for (let at = index; at < steps.length; at++) {
    const step = steps[at] as Step<C>;
    if (typeof step === 'function') return runStep(step, steps, at, ctx, next);
    const verdict = step.predicate(ctx);
    if (isPromise(verdict)) {
      return Promise.resolve(verdict).then((holds) =>
        Boolean(holds) !== step.negate
          ? runStep(step.run, steps, at, ctx, next)
          : runSteps(steps, at + 1, ctx, next),
      );
    }
    if (Boolean(verdict) !== step.negate) return runStep(step.run, steps, at, ctx, next);
  }
  return next();
}

/** Runs one step, whose `next` runs the steps after it (once: a second call throws, as grammY's does). */
function runStep<C extends Context>(
  middleware: MiddlewareFn<C>,
  steps: readonly Step<C>[],
  at: number,
  ctx: C,
  next: NextFunction,
): Promise<unknown> {
  let called = false;
  const result = middleware(ctx, () => {
    if (called) return Promise.reject(new Error('`next` already called before!'));
    called = true;
    return runSteps(steps, at + 1, ctx, next) as Promise<void>;
  });
  // a native promise comes back as it is; anything else is wrapped
  return Promise.resolve(result);
}

/** A composer's middleware, in order, and the function that runs them. */
interface StepList<C extends Context> {
  readonly steps: Step<C>[];
  readonly run: MiddlewareFn<C>;
}
/**
 * Kept beside each composer rather than on it, so that a BotComposer's type is grammY's Composer's:
 * the composers that grammY's typed methods (`on`, `chatType`...) declare are BotComposers at run
 * time, and pass wherever one is wanted.
 */
// biome-ignore lint/suspicious/noExplicitAny: one map for composers of every context type
const listOf = new WeakMap<Composer<any>, StepList<any>>();
const listOfComposer = <C extends Context>(composer: BotComposer<C>) => listOf.get(composer) as StepList<C>;

/**
 * grammY's `Composer`, lighter per update. Every update goes through the bot's whole tree (about
 * 15 features, each with its filters), and grammY's composer allocates for every step it passes,
 * matched or not: `filter` (which `on`, `command`, `callbackQuery`, `hears`, `chatType` and the rest
 * go through) builds a new Composer, an array and a chain of promises per update (`branch` →
 * `lazy`), and `use` nests an async closure per registered middleware. In bench:fleet that was half
 * of the bytes an update allocated (docs/benchmarks.md). Here a composer's middleware is a
 * list run in order, a filter that does not match is passed over in that loop, and the composers
 * `use` and `filter` return are these too, so chains (`filter(...).chatType(...).callbackQuery(...)`)
 * stay light all the way down.
 *
 * The bot's features build their middleware with this class, never grammY's `Composer` (Biome's
 * `noRestrictedImports` says so); the behaviour is grammY's: the same predicates, the same order,
 * `next` called when the predicate fails.
 */
export class BotComposer<C extends Context> extends Composer<C> {
  constructor(...middleware: Array<Middleware<C>>) {
    super();
    const steps = middleware.map(asFunction);
    listOf.set(this, { steps, run: (ctx, next) => runSteps(steps, 0, ctx, next) });
  }

  override middleware(): MiddlewareFn<C> {
    return listOfComposer(this).run;
  }

  override use(...middleware: Array<Middleware<C>>): Composer<C> {
    return addComposer(this, middleware);
  }

  override filter<D extends C>(
    predicate: (ctx: C) => ctx is D,
    ...middleware: Array<Middleware<D>>
  ): Composer<D>;
  override filter(
    predicate: (ctx: C) => MaybePromise<boolean>,
    ...middleware: Array<Middleware<C>>
  ): Composer<C>;
  override filter(
    predicate: (ctx: C) => MaybePromise<boolean>,
    ...middleware: Array<Middleware<C>>
  ): Composer<C> {
    return addComposer(this, middleware, { predicate, negate: false });
  }

  override drop(
    predicate: (ctx: C) => MaybePromise<boolean>,
    ...middleware: Array<Middleware<C>>
  ): Composer<C> {
    return addComposer(this, middleware, { predicate, negate: true });
  }
}

/**
 * A new composer of `middleware` as `parent`'s next step: run every time (`use`), or only when
 * `guard`'s predicate holds (`filter`) or fails (`drop`). Returned, as grammY's methods return it,
 * for more middleware to be registered on it.
 */
function addComposer<C extends Context>(
  parent: BotComposer<C>,
  middleware: Array<Middleware<C>>,
  guard?: { readonly predicate: (ctx: C) => unknown; readonly negate: boolean },
): Composer<C> {
  const composer = new BotComposer<C>(...middleware);
  const run = composer.middleware();
  listOfComposer(parent).steps.push(guard ? { ...guard, run } : run);
  return composer;
}
