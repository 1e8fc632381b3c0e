import type { TenantServices } from '../../src/app.js';

/**
 * A shop's services with some of them replaced (a failing one, a wrapped one): the others are the
 * shop's own. Its services are built on first use, so a spread would copy none of them.
 */
export function withServices(services: TenantServices, replaced: Partial<TenantServices>): TenantServices {
  return new Proxy(services, {
    get(target, name) {
      if (Object.hasOwn(replaced, name)) return replaced[name as keyof typeof replaced];
      const value: unknown = Reflect.get(target, name);
      // a method reads the shop's own state: called on the shop's services, not on this view
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
