import { getMetadataStorage } from 'class-validator';

type MetadataStorage = ReturnType<typeof getMetadataStorage>;
type Lookup = MetadataStorage['getTargetValidationMetadatas'];
type Grouping = MetadataStorage['groupByPropertyName'];
type ValidationMetadata = ReturnType<Lookup>[number];

const MEMOIZED = Symbol.for('orderline.validationMetadataMemoized');

/**
 * Makes class-validator's metadata lookups answer from a cache, once per process.
 *
 * Every `validate` call asks the global metadata storage for the class's rules, and the storage
 * finds them by testing the class against **every** decorated class the process has loaded (for
 * inherited rules), then groups them by property again: in a service with a few hundred
 * request, response and event classes that was a third of class-validator's time, and
 * validation was 10–18 % of each service's CPU in the bench (issue 19; the same problem is
 * class-validator#2686). A class's rules, its own and inherited, are all registered when the
 * class is defined, before anything can validate an instance of it, so the answer for a class
 * never changes; the cache is dropped all the same whenever a rule is registered later (a
 * class defined at run time), so it can never answer stale.
 *
 * Called where validation is set up (the event registry, the HTTP validation pipe); calling it
 * again does nothing.
 */
export function memoizeValidationMetadata(storage: MetadataStorage = getMetadataStorage()): void {
  const marked = storage as MetadataStorage & { [MEMOIZED]?: true };
  if (marked[MEMOIZED]) return;
  marked[MEMOIZED] = true;

  const lookup: Lookup = storage.getTargetValidationMetadatas.bind(storage);
  const grouping: Grouping = storage.groupByPropertyName.bind(storage);
  let lookups = new WeakMap<object, Map<string, ValidationMetadata[]>>();
  let groupings = new WeakMap<ValidationMetadata[], ReturnType<Grouping>>();

  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups ? groups.join('\u0001') : ''}`;
    let byOptions = lookups.get(target);
    if (!byOptions) lookups.set(target, (byOptions = new Map()));
    let found = byOptions.get(key);
    if (!found) byOptions.set(key, (found = lookup(target, schema, always, strictGroups, groups)));
    return found;
  };
  // The executor groups the lookup's answer on every call; the cached answer is one array per
  // class, so its grouping is cached beside it (neither is modified by the executor).
  storage.groupByPropertyName = (metadata) => {
    let grouped = groupings.get(metadata);
    if (!grouped) groupings.set(metadata, (grouped = grouping(metadata)));
    return grouped;
  };

  const forget = (): void => {
    lookups = new WeakMap();
    groupings = new WeakMap();
  };
  const addValidation = storage.addValidationMetadata.bind(storage);
  storage.addValidationMetadata = (metadata) => {
    forget();
    addValidation(metadata);
  };
  const addConstraint = storage.addConstraintMetadata.bind(storage);
  storage.addConstraintMetadata = (metadata) => {
    forget();
    addConstraint(metadata);
  };
}
