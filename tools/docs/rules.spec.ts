import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = join(__dirname, '..', '..');

function codeFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'dist') return [];
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return codeFiles(path);
    return /\.(ts|mjs|cjs|js)$/.test(name) ? [path] : [];
  });
}

/** The sections docs/rules.md has: its headings `## §1 …`, `### §1.1a …`. */
function ruleSections(): Set<string> {
  const text = readFileSync(join(root, 'docs/rules.md'), 'utf8');
  return new Set([...text.matchAll(/^#{2,3} §([0-9]+(?:\.[0-9]+)?[a-z]?) /gm)].map((match) => match[1]));
}

describe('docs/rules.md: every § the code cites resolves inside the repository', () => {
  it('has a heading for every section cited in libs/, apps/, tools/ and tests/ (e.g. `domain.md §4.5`)', () => {
    const sections = ruleSections();
    const missing: string[] = [];
    let citations = 0;
    for (const file of ['libs', 'apps', 'tools', 'tests'].flatMap((dir) => codeFiles(join(root, dir)))) {
      for (const [, section] of readFileSync(file, 'utf8').matchAll(/§ ?([0-9]+(?:\.[0-9]+)?[a-z]?)/g)) {
        citations++;
        if (!sections.has(section)) missing.push(`${relative(root, file)}: §${section}`);
      }
    }
    expect(citations).toBeGreaterThan(300);
    expect(missing).toEqual([]);
  });

  it('keeps the numbering of the specification the code was written against (§1.1 … §6.4)', () => {
    const expected = ['1', '1.1', '1.1a', '1.2', '1.3', '1.4', '1.5', '1.6', '1.7', '1.8', '1.9', '1.10', '2', '2.1', '2.2', '2.3', '2.4', '3', '4', '4.1', '4.2', '4.3', '4.4', '4.5', '4.6', '5', '6', '6.1', '6.2', '6.3', '6.4'];
    expect([...ruleSections()]).toEqual(expected);
  });

  it('says at its top that `domain.md §x.y` in the code means its own §x.y', () => {
    expect(readFileSync(join(root, 'docs/rules.md'), 'utf8').split('\n').slice(0, 12).join(' ')).toMatch(/`domain\.md §x\.y` in the code refers to §x\.y of this page/);
  });
});
