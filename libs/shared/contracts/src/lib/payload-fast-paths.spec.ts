import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import { getMetadataStorage, IsDefined, IsInt, IsOptional, IsString, Min, ValidateIf, ValidateNested, validateSync, ValidatorOptions } from 'class-validator';
import { createEventRegistry, OrderLineSnapshot, OrderPlaced } from '../index';
import { memoizeValidationMetadata } from './validation-metadata-cache';
import { passesValidation } from './validity-check';
import { instantiatePayload } from './payload-instances';
import { transformerMetadata } from './transformer-metadata';
import { MAX_FEN } from './events/validators';

type Plain = Record<string, unknown>;
type PayloadClass = new () => object;

const storage = getMetadataStorage();

/** Values every property is tried with: right and wrong types, bounds, empties, look-alikes. */
const POOL: unknown[] = [
  undefined, null, '', ' ', 'x', 'sku-kettle-01', 'ABC_DEF', 'WELCOME10', '13812345678', 'group-42',
  '2026-12-01T00:00:00Z', '2026-12-01T08:00:00.000+08:00', '2026-13-01', 'c56a4180-65aa-42ec-a945-5fd21dec0538',
  'C56A4180-65AA-42EC-A945-5FD21DEC0538', 'c56a4180-65aa-42ec-a945-5fd21dec053', 'a'.repeat(65), 'a'.repeat(501),
  0, 1, -1, 1.5, 2, 3, 6, 12, 24, 100, 9_999, 10_000, MAX_FEN, MAX_FEN + 1, Number.NaN, Infinity, '1', true, false,
  [], ['x'], [1], {}, { x: 1 },
];

/** Candidates a property's own rules suggest: its `@IsIn` values and the edges of its bounds. */
function suggestedValues(rules: ReturnType<typeof storage.getTargetValidationMetadatas>): unknown[] {
  const values: unknown[] = [];
  for (const rule of rules) {
    const [first, second] = rule.constraints ?? [];
    if (rule.name === 'isIn' && Array.isArray(first)) values.push(...first, first);
    if (rule.name === 'isLength') values.push('a'.repeat(Number(first)), 'a'.repeat(Number(second ?? first) + 1), 'b'.repeat(Number(second ?? first)));
    if ((rule.name === 'min' || rule.name === 'max') && typeof first === 'number') values.push(first, first - 1, first + 1);
    if (rule.name === 'arrayMinSize' || rule.name === 'arrayMaxSize') values.push(Array.from({ length: Number(first) + 1 }, () => 'x'));
  }
  return values;
}

function rulesByProperty(target: PayloadClass) {
  return storage.groupByPropertyName(storage.getTargetValidationMetadatas(target, '', false, false, undefined as unknown as string[]));
}

function nestedClassOf(target: PayloadClass, property: string): PayloadClass | undefined {
  const type = transformerMetadata.findTypeMetadata(target, property);
  return type ? (type.typeFunction() as PayloadClass) : undefined;
}

const propertyErrors = (target: PayloadClass, plain: Plain, property: string) =>
  validateSync(plainToInstance(target, plain) as object, { forbidUnknownValues: true }).filter((error) => error.property === property);

/**
 * A valid payload built with class-validator as the judge: each property takes the first
 * candidate (nested payloads first, then its rules' suggestions, then the pool) it accepts.
 */
function validPlain(target: PayloadClass, depth = 0): Plain {
  const plain: Plain = {};
  for (const [property, rules] of Object.entries(rulesByProperty(target))) {
    const nested = nestedClassOf(target, property);
    const inner = nested && depth < 3 ? [validPlain(nested, depth + 1)] : [];
    const candidates = [...inner, ...inner.map((value) => [value]), ...suggestedValues(rules), ...POOL];
    for (const candidate of candidates) {
      plain[property] = candidate;
      if (propertyErrors(target, plain, property).length === 0) break;
    }
    if (plain[property] === undefined) delete plain[property];
  }
  return plain;
}

/** Every payload one change away from `plain`: each property (nested too) replaced, removed, or an extra one added. */
function* mutations(target: PayloadClass, plain: Plain): Generator<Plain> {
  yield { ...plain, unexpected: 'x' };
  for (const [property, rules] of Object.entries(rulesByProperty(target))) {
    for (const value of [...suggestedValues(rules), ...POOL]) yield { ...plain, [property]: value };
    const nested = nestedClassOf(target, property);
    const current = plain[property];
    if (!nested) continue;
    if (Array.isArray(current) && current[0] && typeof current[0] === 'object') {
      for (const changed of mutations(nested, current[0] as Plain)) yield { ...plain, [property]: [changed, ...current.slice(1)] };
      yield { ...plain, [property]: [...current, null] };
    } else if (current && typeof current === 'object') {
      for (const changed of mutations(nested, current as Plain)) yield { ...plain, [property]: changed };
    }
  }
}

function agreement(instance: object): { check: boolean; classValidator: boolean }[] {
  const modes: Array<[boolean, ValidatorOptions]> = [
    [false, { forbidUnknownValues: true }],
    [true, { forbidUnknownValues: true, whitelist: true, forbidNonWhitelisted: true }],
  ];
  return modes.map(([forbidNonWhitelisted, options]) => ({
    check: passesValidation(instance, { forbidNonWhitelisted }),
    classValidator: validateSync(instance, options).length === 0,
  }));
}

/** Payloads whose keys class-transformer treats specially, and values that are not plain data. */
function* oddities(plain: Plain): Generator<unknown> {
  yield JSON.parse(`{"__proto__": {"polluted": true}, "orderId": "x"}`);
  yield { ...plain, constructor: 'x', toString: 'x', hasOwnProperty: 1, valueOf: {} };
  yield { ...plain, extra: { nested: [1, { deeper: null }], toString: 'x' } };
  yield { ...plain, extra: new Date(0) };
  yield { ...plain, extra: new Map([['a', 1]]) };
  yield { ...plain, extra: new Set([1]) };
  // eslint-disable-next-line no-sparse-arrays
  yield { ...plain, extra: [1, , 3] };
  yield Object.assign(Object.create(null), plain);
  yield [plain];
}

describe('instantiatePayload', () => {
  const definitions = createEventRegistry().definitions();

  it.each(definitions.map((definition) => [definition.type, definition.payload] as const))(
    'builds %s payloads exactly as plainToInstance does: valid, one change away and odd',
    (_type, payloadClass) => {
      const valid = validPlain(payloadClass as PayloadClass);
      const differences: string[] = [];
      for (const candidate of [valid, ...mutations(payloadClass as PayloadClass, valid), ...oddities(valid)]) {
        const expected = plainToInstance(payloadClass as PayloadClass, candidate);
        const built = instantiatePayload(payloadClass as PayloadClass, candidate as object);
        try {
          expect(built).toStrictEqual(expected);
          expect(Object.getPrototypeOf(built)).toBe(Object.getPrototypeOf(expected));
        } catch {
          differences.push(String(JSON.stringify(candidate)));
        }
      }
      expect(differences).toEqual([]);
    },
  );

  it('builds nested classes and leaves the input untouched', () => {
    const payloadClass = OrderPlaced.payload as PayloadClass;
    const valid = validPlain(payloadClass);
    const before = JSON.stringify(valid);
    const built = instantiatePayload(payloadClass, valid) as Record<string, unknown>;
    expect(built).toBeInstanceOf(payloadClass);
    expect((built['lines'] as object[])[0]).toBeInstanceOf(OrderLineSnapshot);
    expect(built['lines']).not.toBe(valid['lines']);
    expect(JSON.stringify(valid)).toBe(before);
  });
});

describe('passesValidation', () => {
  beforeAll(() => memoizeValidationMetadata());

  const definitions = createEventRegistry().definitions();

  it('finds a valid payload for every event class (so the comparison below covers the valid side)', () => {
    const withoutValid = definitions
      .filter((definition) => validateSync(plainToInstance(definition.payload, validPlain(definition.payload)) as object, { forbidUnknownValues: true }).length > 0)
      .map((definition) => definition.type);
    expect(withoutValid).toEqual([]);
  });

  it.each(definitions.map((definition) => [definition.type, definition.payload] as const))(
    'answers %s payloads as class-validator does, valid and one change away, with and without refusing unknown fields',
    (_type, payloadClass) => {
      const valid = validPlain(payloadClass as PayloadClass);
      const disagreements: string[] = [];
      let accepted = 0;
      for (const candidate of [valid, ...mutations(payloadClass as PayloadClass, valid)]) {
        const instance = plainToInstance(payloadClass as PayloadClass, candidate) as object;
        for (const { check, classValidator } of agreement(instance)) {
          if (check) accepted += 1;
          if (check !== classValidator) disagreements.push(`${JSON.stringify(candidate)}: check ${check}, class-validator ${classValidator}`);
        }
      }
      expect(disagreements).toEqual([]);
      expect(accepted).toBeGreaterThan(0);
    },
  );

  describe('rules beyond the event classes', () => {
    class Parcel {
      @IsDefined() @IsString() label!: string;
      @IsOptional() @IsInt({ each: true }) @Min(1, { each: true }) grams?: number[] | Set<number>;
      @ValidateIf((parcel: Parcel) => parcel.label === 'fragile') @IsString() packing?: string;
    }
    class Shipment {
      @ValidateNested({ each: true }) @Type(() => Parcel) parcels!: Parcel[];
      @IsOptional() @ValidateNested() @Type(() => Parcel) spare?: Parcel;
    }
    class Unruled {
      label?: string;
    }
    const cases: Array<[string, object]> = [
      ['a valid shipment', plainToInstance(Shipment, { parcels: [{ label: 'a', grams: [1, 2] }, { label: 'fragile', packing: 'box' }] })],
      ['each over a Set', plainToInstance(Shipment, { parcels: [Object.assign(new Parcel(), { label: 'a', grams: new Set([1, 0]) })] })],
      ['a nested null', plainToInstance(Shipment, { parcels: [null] })],
      ['a nested primitive', plainToInstance(Shipment, { parcels: 'box' })],
      ['a missing nested value', plainToInstance(Shipment, {})],
      ['a spare given as null', plainToInstance(Shipment, { parcels: [], spare: null })],
      ['ValidateIf applied', plainToInstance(Shipment, { parcels: [{ label: 'fragile' }] })],
      ['ValidateIf not applied', plainToInstance(Shipment, { parcels: [{ label: 'sturdy' }] })],
      ['IsDefined missing', plainToInstance(Shipment, { parcels: [{}] })],
      ['a nested plain object (no rules for Object)', Object.assign(new Shipment(), { parcels: [{ label: 'a' }] })],
      ['a class without any rule', new Unruled()],
      ['an unknown nested field', plainToInstance(Shipment, { parcels: [{ label: 'a', colour: 'red' }] })],
    ];
    it.each(cases)('%s', (_name, instance) => {
      for (const { check, classValidator } of agreement(instance)) expect(check).toBe(classValidator);
    });

    it('leaves an asynchronous rule to class-validator (never answers true for it)', () => {
      const { registerDecorator } = jest.requireActual('class-validator') as typeof import('class-validator');
      class Awaited {
        label!: string;
      }
      registerDecorator({ target: Awaited, propertyName: 'label', async: true, validator: { validate: async () => true } });
      expect(passesValidation(Object.assign(new Awaited(), { label: 'a' }), { forbidNonWhitelisted: false })).toBe(false);
    });
  });
});
