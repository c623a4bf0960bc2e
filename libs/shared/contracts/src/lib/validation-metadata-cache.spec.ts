import 'reflect-metadata';
import { getMetadataStorage, IsInt, IsString, Min, validateSync } from 'class-validator';
import { memoizeValidationMetadata } from './validation-metadata-cache';

class Parcel {
  @IsString()
  label!: string;
}

class HeavyParcel extends Parcel {
  @IsInt()
  @Min(1, { groups: ['weighed'] })
  grams!: number;
}

const problemsOf = (value: object, groups?: string[]): string[] =>
  validateSync(value, { forbidUnknownValues: true, ...(groups ? { groups } : {}) })
    .flatMap((error) => Object.keys(error.constraints ?? {}).map((rule) => `${error.property}:${rule}`))
    .sort();

const parcel = (label: unknown, grams: unknown): HeavyParcel => Object.assign(new HeavyParcel(), { label, grams });

describe('memoizeValidationMetadata', () => {
  const storage = getMetadataStorage();
  const lookup = (target: new () => object, groups?: string[]) => storage.getTargetValidationMetadatas(target, '', false, false, groups);

  beforeAll(() => memoizeValidationMetadata());

  it('answers a class from the cache: the same rules, found once', () => {
    expect(lookup(HeavyParcel)).toBe(lookup(HeavyParcel));
    expect(storage.groupByPropertyName(lookup(HeavyParcel))).toBe(storage.groupByPropertyName(lookup(HeavyParcel)));
    // Own and inherited rules, as class-validator finds them.
    expect(lookup(HeavyParcel).map((rule) => rule.propertyName).sort()).toEqual(['grams', 'grams', 'label']);
  });

  it('validates as class-validator does, inherited rules and groups included', () => {
    expect(problemsOf(parcel('kettle', 1))).toEqual([]);
    expect(problemsOf(parcel(7, 1.5))).toEqual(['grams:isInt', 'label:isString']);
    // Asked for a group, only that group's rules apply; asked for none, all do: one cache entry per options.
    expect(problemsOf(parcel(7, 0), ['weighed'])).toEqual(['grams:min']);
    expect(problemsOf(parcel(7, 0))).toEqual(['grams:min', 'label:isString']);
  });

  it('drops what it knows when a rule is registered later, so it never answers stale', () => {
    expect(problemsOf(Object.assign(new Parcel(), { label: 'kettle' }))).toEqual([]);
    // A rule added to an already validated class at run time (what a decorator does).
    IsInt()(Parcel.prototype, 'fragile');
    expect(problemsOf(Object.assign(new Parcel(), { label: 'kettle', fragile: 'yes' }))).toEqual(['fragile:isInt']);
    expect(problemsOf(Object.assign(parcel('kettle', 3), { fragile: 'yes' }))).toEqual(['fragile:isInt']);
  });

  it('wraps the storage once, however often it is called', () => {
    const wrapped = storage.getTargetValidationMetadatas;
    memoizeValidationMetadata();
    expect(storage.getTargetValidationMetadatas).toBe(wrapped);
  });
});
