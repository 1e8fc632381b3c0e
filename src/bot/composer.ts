import { Composer, type Context, type Middleware, type MiddlewareFn, type NextFunction } from 'grammy';

type MaybePromise<T> = T | Promise<T>;

const isPromise = (value: unknown): value is PromiseLike<unknown> =>
  typeof (value as PromiseLike<unknown> | null)?.then === 'function';

/**
 * A composer registered on another (`use`, or `filter` and `drop` with `predicate`): its steps run
 * in place, as if written into the parent's list, when the predicate holds (fails, with `negate`)
 * or there is none; else on to the parent's next step. The list is the composer's own, so what is
 * registered on it later runs too.
 */
interface NestedStep<C extends Context> {
  readonly steps: readonly Step<C>[];
  readonly predicate: ((ctx: C) => unknown) | undefined;
  readonly negate: boolean;
}
type Step<C extends Context> = MiddlewareFn<C> | NestedStep<C>;

/** A registered middleware as a step: a BotComposer's list nested, anything else called. */
const asStep = <C extends Context>(middleware: Middleware<C>): Step<C> => {
  if (typeof middleware === 'function') return middleware;
  const list = listOf.get(middleware as Composer<C>) as StepList<C> | undefined;
  return list
    ? { steps: list.steps, predicate: undefined, negate: false }
    : (ctx, next) => middleware.middleware()(ctx, next);
};

/**
 * Runs `steps` from `index` on, then `next`. A nested composer is entered in this loop, without a
 * middleware call, a `next` and a promise of its own (most of the tree's steps are composers that
 * only hold others); a filter whose synchronous predicate fails (every filter query, command,
 * callback data and chat type is one) is passed over: an update that matches none of a feature's
 * filters costs their predicates' calls and nothing more. Only a predicate that returns a promise
 * is waited for.
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
    if (step.predicate === undefined) return runNested(step, steps, at, ctx, next);
    const verdict = step.predicate(ctx);
    if (isPromise(verdict)) {
      return Promise.resolve(verdict).then((holds) =>
        Boolean(holds) !== step.negate
          ? runNested(step, steps, at, ctx, next)
          : runSteps(steps, at + 1, ctx, next),
      );
    }
    if (Boolean(verdict) !== step.negate) return runNested(step, steps, at, ctx, next);
  }
  return next();
}

/** Runs a nested composer's steps, then the steps after it (`next` itself when it is the last). */
function runNested<C extends Context>(
  nested: NestedStep<C>,
  steps: readonly Step<C>[],
  at: number,
  ctx: C,
  next: NextFunction,
): Promise<unknown> {
  const after: NextFunction =
    at + 1 < steps.length ? () => runSteps(steps, at + 1, ctx, next) as Promise<void> : next;
  return runSteps(nested.steps, 0, ctx, after);
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
 * list run in order, a composer registered on another (a feature on the bot, the composer a filter
 * guards) is entered in the same loop, a filter that does not match is passed over, and the composers
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
    const steps = middleware.map(asStep);
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
  listOfComposer(parent).steps.push({
    steps: listOfComposer(composer).steps,
    predicate: guard?.predicate,
    negate: guard?.negate ?? false,
  });
  return composer;
}
