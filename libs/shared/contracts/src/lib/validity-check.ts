import { getMetadataStorage, ValidationArguments, ValidationTypes } from 'class-validator';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];

/** The options of class-validator this check answers for; every other option is left at its default. */
export interface ValidityCheckOptions {
  /** `whitelist` with `forbidNonWhitelisted`: a property without a rule is an error (the HTTP pipe). */
  forbidNonWhitelisted: boolean;
}

interface ConstraintCheck {
  validate: (value: unknown, args: ValidationArguments) => unknown;
  constraints: unknown[];
  propertyName: string;
  each: boolean;
  validateIf?: (object: object, value: unknown) => boolean;
}

interface PropertyPlan {
  name: string;
  conditions: Array<(object: object, value: unknown) => boolean>;
  /** `@IsDefined`: checked before anything else, as class-validator does. */
  defined: ConstraintCheck[];
  checks: ConstraintCheck[];
  nested: boolean;
}

/** A class's rules, compiled once; `null` when a rule is of a kind this check does not answer for. */
type ClassPlan = { properties: PropertyPlan[]; allowed: Record<string, unknown> } | null;

const plans = new WeakMap<ValidationMetadata[], ClassPlan>();

function compile(storage: MetadataStorage, rules: ValidationMetadata[]): ClassPlan {
  const byProperty = storage.groupByPropertyName(rules);
  const properties: PropertyPlan[] = [];
  for (const [name, propertyRules] of Object.entries(byProperty)) {
    const plan: PropertyPlan = { name, conditions: [], defined: [], checks: [], nested: false };
    for (const rule of propertyRules) {
      switch (rule.type) {
        case ValidationTypes.WHITELIST:
          break;
        case ValidationTypes.CONDITIONAL_VALIDATION:
          plan.conditions.push(rule.constraints[0] as (object: object, value: unknown) => boolean);
          break;
        case ValidationTypes.NESTED_VALIDATION:
          plan.nested = true;
          break;
        case ValidationTypes.CUSTOM_VALIDATION:
        case ValidationTypes.IS_DEFINED:
          for (const constraint of storage.getTargetValidatorConstraints(rule.constraintCls)) {
            // An asynchronous rule is skipped by validateSync and awaited by validate: not answered here.
            if (constraint.async) return null;
            const instance = constraint.instance as { validate: ConstraintCheck['validate'] };
            const check: ConstraintCheck = {
              validate: instance.validate.bind(instance),
              constraints: rule.constraints,
              propertyName: rule.propertyName,
              each: !!rule.each,
              validateIf: (rule as { validateIf?: ConstraintCheck['validateIf'] }).validateIf,
            };
            (rule.type === ValidationTypes.IS_DEFINED ? plan.defined : plan.checks).push(check);
          }
          break;
        default:
          // Promise validation and anything newer: left to class-validator.
          return null;
      }
    }
    properties.push(plan);
  }
  return { properties, allowed: byProperty };
}

function planOf(storage: MetadataStorage, object: object, schema: string | undefined): ClassPlan {
  // The memoized storage (validation-metadata-cache.ts) answers one array per class until a rule
  // is registered later; a new array is compiled again.
  const rules = storage.getTargetValidationMetadatas(object.constructor, schema as string, false, false, undefined as unknown as string[]);
  let plan = plans.get(rules);
  if (plan === undefined) {
    plan = rules.length ? compile(storage, rules) : null;
    plans.set(rules, plan);
  }
  return plan;
}

function passes(check: ConstraintCheck, object: object, value: unknown): boolean {
  if (check.validateIf && !check.validateIf(object, value)) return true;
  const args: ValidationArguments = {
    targetName: object.constructor ? object.constructor.name : (undefined as unknown as string),
    property: check.propertyName,
    object,
    value,
    constraints: check.constraints as unknown[],
  };
  if (check.each && (Array.isArray(value) || value instanceof Set || value instanceof Map)) {
    for (const item of value instanceof Map ? value.values() : value) {
      if (!isPlainTruthy(check.validate(item, args))) return false;
    }
    return true;
  }
  return isPlainTruthy(check.validate(value, args));
}

/** A promise is an asynchronous answer: not one this check can give. */
function isPlainTruthy(answer: unknown): boolean {
  return !!answer && typeof (answer as { then?: unknown }).then !== 'function';
}

function nestedPasses(storage: MetadataStorage, value: unknown, schema: string, options: ValidityCheckOptions): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value) || value instanceof Set || value instanceof Map) {
    for (const item of value instanceof Map ? value.values() : value) {
      if (!nestedPasses(storage, item, schema, options)) return false;
    }
    return true;
  }
  if (value instanceof Object) return objectPasses(storage, value, schema, options);
  return false;
}

function objectPasses(storage: MetadataStorage, object: object, schema: string | undefined, options: ValidityCheckOptions): boolean {
  const plan = planOf(storage, object, schema);
  // No rules at all is forbidUnknownValues' error; a rule of an unknown kind is class-validator's to judge.
  if (!plan) return false;
  if (options.forbidNonWhitelisted) {
    for (const key of Object.keys(object)) {
      const rules = plan.allowed[key] as unknown[] | undefined;
      if (!rules || rules.length === 0) return false;
    }
  }
  const schemaOfChildren = object.constructor.name;
  for (const property of plan.properties) {
    const value = (object as Record<string, unknown>)[property.name];
    let applies = true;
    for (const condition of property.conditions) applies = condition(object, value) && applies;
    if (!applies) continue;
    for (const check of property.defined) if (!passes(check, object, value)) return false;
    for (const check of property.checks) if (!passes(check, object, value)) return false;
    if (property.nested && !nestedPasses(storage, value, schemaOfChildren, options)) return false;
  }
  return true;
}

/**
 * Whether class-validator would find no error in `object` (an instance, as `plainToInstance`
 * builds it), answered without building its error tree.
 *
 * class-validator's executor creates a `ValidationError` per property, filters the rules by kind
 * per property on every call and collects messages nobody reads when the value is valid; on the
 * hot paths (every event published and consumed, every request body) that was most of the
 * validation's cost (issue 19, tools/bench/README.md "A validity check before class-validator").
 * This runs the very same constraint functions, over the same rules, in the same order of
 * conditions, so its `true` means what an empty error list means. Its `false` only means "ask
 * class-validator": callers then run it for the error messages, and its answer is the one that
 * counts. Rules it does not answer for (asynchronous, promise) always give `false`.
 *
 * Mirrors class-validator 0.15 with `forbidUnknownValues` on, no groups, no `skip*` options;
 * payload-fast-paths.spec.ts compares the two over every event payload class and mutations of them.
 */
export function passesValidation(object: object, options: ValidityCheckOptions, storage: MetadataStorage = getMetadataStorage()): boolean {
  return objectPasses(storage, object, undefined, options);
}
