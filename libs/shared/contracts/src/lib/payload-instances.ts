import { plainToInstance } from 'class-transformer';
import type { MetadataStorage as TransformerStorage } from 'class-transformer/types/MetadataStorage';
import { transformerMetadata } from './transformer-metadata';

type PayloadClass = new () => object;

/** The storage's own maps: read to see which classes carry which kind of decorator. */
interface StorageMaps {
  _typeMetadatas?: Map<unknown, Map<string, unknown>>;
  _transformMetadatas?: Map<unknown, unknown>;
  _exposeMetadatas?: Map<unknown, unknown>;
  _excludeMetadatas?: Map<unknown, unknown>;
}

interface InstancePlan {
  /** The class each `@Type` property's value becomes. */
  nested: Map<string, PayloadClass>;
}

const UNSUPPORTED = Symbol('unsupported');
const SCALAR_TYPES: unknown[] = [String, Number, Boolean, Date, Buffer, Map, Set, Array, Object, Promise];
const GENERATION = Symbol.for('orderline.transformerMetadataGeneration');

/** Counts the decorators registered with class-transformer, so a plan never outlives a change. */
function generation(storage: TransformerStorage): number {
  const marked = storage as TransformerStorage & { [GENERATION]?: number };
  if (marked[GENERATION] === undefined) {
    marked[GENERATION] = 0;
    for (const method of ['addTypeMetadata', 'addTransformMetadata', 'addExposeMetadata', 'addExcludeMetadata'] as const) {
      const add = (storage[method] as (metadata: unknown) => void).bind(storage);
      (storage as unknown as Record<string, (metadata: unknown) => void>)[method] = (metadata) => {
        marked[GENERATION] = (marked[GENERATION] ?? 0) + 1;
        add(metadata);
      };
    }
  }
  return marked[GENERATION];
}

let plans = new WeakMap<PayloadClass, InstancePlan | null>();
let plannedAt = -1;

function ancestry(target: PayloadClass): unknown[] {
  const chain: unknown[] = [];
  for (let current: unknown = target; typeof current === 'function' && current !== Function.prototype; current = Object.getPrototypeOf(current)) chain.push(current);
  return chain;
}

/** The class's `@Type` targets; `null` when a decorator would make class-transformer do more than copy and nest. */
function compile(target: PayloadClass): InstancePlan | null {
  const { _typeMetadatas: types, _transformMetadatas: transforms, _exposeMetadatas: exposes, _excludeMetadatas: excludes } = transformerMetadata as unknown as StorageMaps;
  // A class-transformer that keeps its metadata elsewhere is left to do the work itself.
  if (!(types instanceof Map) || !(transforms instanceof Map) || !(exposes instanceof Map) || !(excludes instanceof Map)) return null;
  const chain = ancestry(target);
  if (chain.some((type) => transforms.has(type) || exposes.has(type) || excludes.has(type))) return null;
  const nested = new Map<string, PayloadClass>();
  for (const type of chain) {
    for (const property of types.get(type)?.keys() ?? []) {
      if (nested.has(property)) continue;
      const metadata = transformerMetadata.findTypeMetadata(target, property);
      if (!metadata || metadata.options?.discriminator || metadata.typeFunction.length > 0) return null;
      const nestedClass = metadata.typeFunction();
      if (typeof nestedClass !== 'function' || SCALAR_TYPES.includes(nestedClass)) return null;
      // The declared type decides what an array value becomes: a Set, or an array for anything without `push`.
      const declared = metadata.reflectedType as { prototype?: object } | undefined;
      if (declared && declared !== Array && (declared === Set || (declared.prototype && 'push' in declared.prototype))) return null;
      nested.set(property, nestedClass as PayloadClass);
    }
  }
  return { nested };
}

function planOf(target: PayloadClass): InstancePlan | null {
  const current = generation(transformerMetadata);
  if (current !== plannedAt) {
    plans = new WeakMap();
    plannedAt = current;
  }
  let plan = plans.get(target);
  if (plan === undefined) plans.set(target, (plan = compile(target)));
  return plan;
}

/** A key class-transformer does not copy onto `into`: the prototype's own accessors and methods. */
function skipped(into: object, prototype: object, key: string): boolean {
  if (key === '__proto__' || key === 'constructor') return true;
  const descriptor = Object.getOwnPropertyDescriptor(prototype, key);
  return (descriptor !== undefined && !descriptor.set) || (into as Record<string, unknown>)[key] instanceof Function;
}

function convert(value: unknown, type: PayloadClass | undefined): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const copy: unknown[] = [];
    let unsupported = false;
    // forEach, as class-transformer: the holes of a sparse array are left out.
    value.forEach((item) => {
      const converted = unsupported ? undefined : convert(item, type);
      if (converted === UNSUPPORTED) unsupported = true;
      else copy.push(converted);
    });
    return unsupported ? UNSUPPORTED : copy;
  }
  const prototype = Object.getPrototypeOf(value);
  if (type) return prototype === Object.prototype || prototype === type.prototype ? build(type, value) : UNSUPPORTED;
  if (prototype !== Object.prototype) return UNSUPPORTED;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (skipped(copy, Object.prototype, key)) continue;
    const converted = convert((value as Record<string, unknown>)[key], undefined);
    if (converted === UNSUPPORTED) return UNSUPPORTED;
    copy[key] = converted;
  }
  return copy;
}

function build(target: PayloadClass, value: object): object | typeof UNSUPPORTED {
  const plan = planOf(target);
  if (!plan) return UNSUPPORTED;
  const instance = new target() as Record<string, unknown>;
  for (const key of Object.keys(value)) {
    if (skipped(instance, target.prototype, key)) continue;
    const converted = convert((value as Record<string, unknown>)[key], plan.nested.get(key));
    if (converted === UNSUPPORTED) return UNSUPPORTED;
    instance[key] = converted;
  }
  return instance;
}

/**
 * `plainToInstance(target, value)` for data payloads, without class-transformer's general
 * machinery: the class and its `@Type` classes are built from the value's own keys, as
 * class-transformer builds them with its default options (the same keys skipped, arrays copied,
 * untyped objects copied as plain objects).
 *
 * Every event is turned into its class at publish and at each consuming group; class-transformer
 * looks up every decorator kind for every key of every level on each call, and that had become the
 * largest part of an event's decoding (issue 19, tools/bench/README.md "A validity check before
 * class-validator"). A class with any other class-transformer decorator (`@Transform`, `@Expose`,
 * `@Exclude`, a discriminator or a computed `@Type`), and a value that is not plain data (a Date,
 * a Map, an instance of another class), go to `plainToInstance` itself, so the result is always
 * the one it gives; payload-instances.spec.ts compares the two over every event class.
 */
export function instantiatePayload<P extends object>(target: new () => P, value: object): P {
  const prototype = Object.getPrototypeOf(value);
  if (!Array.isArray(value) && (prototype === Object.prototype || prototype === target.prototype)) {
    const built = build(target, value);
    if (built !== UNSUPPORTED) return built as P;
  }
  return plainToInstance(target, value) as P;
}
