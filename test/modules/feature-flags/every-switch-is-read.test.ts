import { dirname, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_KEYS } from '../../../src/modules/feature-flags/features.js';
import { SETTING_KEYS } from '../../../src/modules/settings/registry.js';
import { EXPECTED_READS } from './switch-readers.fixture.js';

/**
 * Every setting and feature switch is offered to resellers and the operator (the admin menu, the
 * master bot, the REST API), so each must change something: this fails for a key that no product
 * code reads. Adding a key without its reader, or leaving one behind when its reader goes, fails CI.
 *
 * A key counts as read only where its value is asked for by name, with types checked:
 * - `settings.get('key')`, `flags.isEnabled('key')`, `flags.get('key')`, `flags.config('key')` (a
 *   union of a few literal keys, like `METHOD_FLAGS[method]`, reads each of them);
 * - a property of `settings.getAll()` (`SettingValues`) or `flags.getAll()` (`FeatureFlagsByKey`);
 * - a query on the stored row, `eq(botConfigurations.configKey, 'key')` (or `botFeatureFlags.featureKey`).
 * Listings (a loop over every key), definitions, comments, text, writes and typed lists of keys do
 * not count, and the registries and listing code below are not searched at all;
 * switch-readers.fixture.ts shows each kind and the last test checks the search tells them apart.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const FIXTURE = resolve(ROOT, 'test/modules/feature-flags/switch-readers.fixture.ts');

/** Code that holds or lists every key: what it mentions says nothing about use. */
const NOT_READERS = [
  'src/modules/settings/', // the registry, and the service that serves every key alike
  'src/modules/feature-flags/',
  'src/bot/features/admin/settings.ts', // the tenant admin menu's settings screens
  'src/bot/features/master/tenant-card.ts', // the master bot's switches
  'src/http/api/config-routes.ts',
  'src/http/api/features-routes.ts',
];

type Registry = 'setting' | 'feature';

interface Read {
  readonly registry: Registry;
  readonly key: string;
  readonly where: string;
}

const KEYS: Record<Registry, ReadonlySet<string>> = {
  setting: new Set(SETTING_KEYS),
  feature: new Set(FEATURE_KEYS),
};

/** The methods that answer one key's value, by the module that declares them. */
const READ_METHODS: Record<string, { registry: Registry; methods: ReadonlySet<string> }> = {
  'src/modules/settings/settings-service.ts': { registry: 'setting', methods: new Set(['get']) },
  'src/modules/feature-flags/feature-flags-service.ts': {
    registry: 'feature',
    methods: new Set(['get', 'isEnabled', 'config']),
  },
};

/** The types whose properties are keys' values, by name and declaring module. */
const VALUE_TYPES: Record<string, { registry: Registry; file: string }> = {
  SettingValues: { registry: 'setting', file: 'src/modules/settings/registry.ts' },
  FeatureFlagsByKey: { registry: 'feature', file: 'src/modules/feature-flags/feature-flags-service.ts' },
};

/** Stored rows, as `table.column` compared with a key in a query. */
const KEY_COLUMNS: Record<string, Registry> = {
  'botConfigurations.configKey': 'setting',
  'botFeatureFlags.featureKey': 'feature',
};

/**
 * Asking the type checker is slow (each answer checks the types around it), so it is asked only
 * about calls that could read a key: a literal key, or for the less common method names any
 * argument (`flags.isEnabled(METHOD_FLAGS[method])`). A `get` with a computed key is a listing.
 */
const mayNameKey = (method: string, argument: ts.Expression) =>
  ts.isStringLiteralLike(argument)
    ? KEYS.setting.has(argument.text) || KEYS.feature.has(argument.text)
    : method === 'isEnabled' || method === 'config';

const projectPath = (file: string) => relative(ROOT, file).replaceAll('\\', '/');

function createScanner(program: ts.Program) {
  const checker = program.getTypeChecker();

  const declaredIn = (symbol: ts.Symbol | undefined): string | undefined => {
    const declaration = symbol?.declarations?.[0];
    return declaration ? projectPath(declaration.getSourceFile().fileName) : undefined;
  };

  /**
   * The keys a key argument names: one literal, or a union of a few. A type that admits every key
   * of the registry is a listing passing keys through, not a choice of one.
   */
  const namedKeys = (registry: Registry, argument: ts.Expression): string[] => {
    const type = checker.getTypeAtLocation(argument);
    const members = type.isUnion() ? type.types : [type];
    if (!members.every((member) => member.isStringLiteral())) return [];
    const keys = members.map((member) => (member as ts.StringLiteralType).value);
    const all = KEYS[registry];
    if (all.size > 1 && keys.length >= all.size) return [];
    return keys.filter((key) => all.has(key));
  };

  const valueTypeOf = (expression: ts.Expression): Registry | undefined => {
    const type = checker.getNonNullableType(checker.getTypeAtLocation(expression));
    const alias = type.aliasSymbol;
    const known = alias ? VALUE_TYPES[alias.name] : undefined;
    return known && declaredIn(alias) === known.file ? known.registry : undefined;
  };

  return function readsIn(root: ts.Node): Read[] {
    const file = root.getSourceFile();
    const found: Read[] = [];
    const add = (registry: Registry, key: string, node: ts.Node) => {
      const line = file.getLineAndCharacterOfPosition(node.getStart()).line + 1;
      found.push({ registry, key, where: `${projectPath(file.fileName)}:${line}` });
    };
    const visit = (node: ts.Node) => {
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const [first] = node.arguments;
        // settings.get('key'), flags.isEnabled('key'), ...
        if (first && ts.isPropertyAccessExpression(callee) && mayNameKey(callee.name.text, first)) {
          const method = callee.name.text;
          const owner = READ_METHODS[declaredIn(checker.getSymbolAtLocation(callee.name)) ?? ''];
          if (owner?.methods.has(method)) {
            for (const key of namedKeys(owner.registry, first)) add(owner.registry, key, node);
          }
        }
        // eq(botConfigurations.configKey, 'key'): the stored row read directly
        const column = node.arguments.find((argument) => KEY_COLUMNS[argument.getText()] !== undefined);
        if (column) {
          const registry = KEY_COLUMNS[column.getText()]!;
          for (const argument of node.arguments) {
            if (ts.isStringLiteral(argument) && KEYS[registry].has(argument.text))
              add(registry, argument.text, node);
          }
        }
      }
      // values.key on settings.getAll() or flags.getAll()
      if (ts.isPropertyAccessExpression(node)) {
        const name = node.name.text;
        if (KEYS.setting.has(name) || KEYS.feature.has(name)) {
          const registry = valueTypeOf(node.expression);
          if (registry && KEYS[registry].has(name)) add(registry, name, node);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(root);
    return found;
  };
}

const unique = (reads: Read[], registry: Registry) =>
  [...new Set(reads.filter((read) => read.registry === registry).map((read) => read.key))].sort();

describe('every setting and feature switch is read by the product', () => {
  let program: ts.Program;
  let readsIn: (root: ts.Node) => Read[];
  let productReads: Read[];

  beforeAll(() => {
    const config = ts.getParsedCommandLineOfConfigFile(resolve(ROOT, 'tsconfig.json'), undefined, {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
        throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
      },
    });
    if (!config) throw new Error('tsconfig.json could not be read');
    const sources = config.fileNames.filter((file) => projectPath(file).startsWith('src/'));
    program = ts.createProgram({ rootNames: [...sources, FIXTURE], options: config.options });
    readsIn = createScanner(program);
    productReads = program
      .getSourceFiles()
      .filter((file) => {
        const path = projectPath(file.fileName);
        return path.startsWith('src/') && !NOT_READERS.some((excluded) => path.startsWith(excluded));
      })
      .flatMap((file) => readsIn(file));
  }, 120_000);

  it.each([
    ['setting', SETTING_KEYS],
    ['feature', FEATURE_KEYS],
  ] as const)('every %s key has a reader in src/', (registry, keys) => {
    const read = new Set(unique(productReads, registry));
    const unread = keys.filter((key) => !read.has(key));
    expect(
      unread,
      `${registry} keys nothing reads: make the product use them, or remove them from the registry ` +
        'until the feature that uses them is built (they are offered to resellers and the operator)',
    ).toEqual([]);
  });

  it('tells a read from a mere mention', () => {
    const fixture = program.getSourceFile(FIXTURE);
    if (!fixture) throw new Error('fixture not in the program');
    const fn = (name: string) => {
      const found = fixture.statements.find(
        (statement) => ts.isFunctionDeclaration(statement) && statement.name?.text === name,
      );
      if (!found) throw new Error(`fixture has no function ${name}`);
      return found;
    };
    expect(readsIn(fn('mentionsOnly'))).toEqual([]);
    const reads = readsIn(fn('reads'));
    expect({ setting: unique(reads, 'setting'), feature: unique(reads, 'feature') }).toEqual(EXPECTED_READS);
  });
});
