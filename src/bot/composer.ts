import { Composer, type Context, type Middleware, type MiddlewareFn, type NextFunction } from 'grammy';

type MaybePromise<T> = T | Promise<T>;

const isPromise = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === 'function';

/**
 * The middleware behind a filter: `run` (a composer's) when `predicate` holds, else straight on. A
 * synchronous predicate (every filter query, command, callback data and chat type is one) costs a
 * call; only a predicate that returns a promise is waited for.
 */
function behind<C extends Context>(
  predicate: (ctx: C) => unknown,
  run: MiddlewareFn<C>,
  negate: boolean,
): MiddlewareFn<C> {
  return (ctx, next) => {
    const verdict = predicate(ctx);
    if (!isPromise(verdict)) return Boolean(verdict) !== negate ? run(ctx, next) : next();
    return verdict.then((holds) => (Boolean(holds) !== negate ? run(ctx, next) : next()));
  };
}

const asFunction = <C extends Context>(middleware: Middleware<C>): MiddlewareFn<C> =>
  typeof middleware === 'function' ? middleware : (ctx, next) => middleware.middleware()(ctx, next);

/**
 * Runs `steps` from `index` on, then `next`: each step gets a `next` that runs the rest (once: a
 * second call throws, as grammY's does).
 */
function runSteps<C extends Context>(
  steps: readonly MiddlewareFn<C>[],
  index: number,
  ctx: C,
  next: NextFunction,
): Promise<unknown> {
  const step = steps[index];
  if (step === undefined) return next();
  let called = false;
  const result = step(ctx, () => {
    if (called) return Promise.reject(new Error('`next` already called before!'));
    called = true;
    return runSteps(steps, index + 1, ctx, next) as Promise<void>;
  });
  return isPromise(result) ? (result as Promise<unknown>) : Promise.resolve(result);
}

/** A composer's middleware, in order, and the function that runs them. */
interface StepList<C extends Context> {
  readonly steps: MiddlewareFn<C>[];
  readonly run: MiddlewareFn<C>;
}
/**
 * Kept beside each composer rather than on it, so that a BotComposer's type is grammY's Composer's:
 * the composers that grammY's typed methods (`on`, `chatType`...) declare are BotComposers at run
 * time, and pass wherever one is wanted.
 */
// biome-ignore lint/suspicious/noExplicitAny: one map for composers of every context type
const listOf = new WeakMap<Composer<any>, StepList<any>>();

/**
 * grammY's `Composer`, lighter per update. Every update goes through the bot's whole tree (about
 * 15 features, each with its filters), and grammY's composer allocates for every step it passes,
 * matched or not: `filter` (which `on`, `command`, `callbackQuery`, `hears`, `chatType` and the rest
 * go through) builds a new Composer, an array and a chain of promises per update (`branch` →
 * `lazy`), and `use` nests an async closure per registered middleware. In bench:fleet that was two
 * thirds of the bytes an update allocated (docs/benchmarks.md). Here a filter is one function, a
 * composer's middleware is a list run in order, and the composers `use` and `filter` return are
 * these too, so chains (`filter(...).chatType(...).callbackQuery(...)`) stay light all the way down.
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
    return (listOf.get(this) as StepList<C>).run;
  }

  override use(...middleware: Array<Middleware<C>>): Composer<C> {
    const composer = new BotComposer<C>(...middleware);
    (listOf.get(this) as StepList<C>).steps.push(composer.middleware());
    return composer;
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
    const composer = new BotComposer<C>(...middleware);
    (listOf.get(this) as StepList<C>).steps.push(behind(predicate, composer.middleware(), false));
    return composer;
  }

  override drop(
    predicate: (ctx: C) => MaybePromise<boolean>,
    ...middleware: Array<Middleware<C>>
  ): Composer<C> {
    const composer = new BotComposer<C>(...middleware);
    (listOf.get(this) as StepList<C>).steps.push(behind(predicate, composer.middleware(), true));
    return composer;
  }
}
