import { parseBootstrapOperator, passwordProblem, roleAllowed } from './accounts';

describe('gateway accounts', () => {
  it('parses the bootstrap operator, keeping colons in the password', () => {
    expect(parseBootstrapOperator('operator:operator-password')).toEqual({ username: 'operator', password: 'operator-password' });
    expect(parseBootstrapOperator('ops:a:b:c:d:e:f')).toEqual({ username: 'ops', password: 'a:b:c:d:e:f' });
  });

  it('refuses malformed or weak bootstrap values with the variable named', () => {
    expect(() => parseBootstrapOperator('nocolon')).toThrow(/BOOTSTRAP_OPERATOR/);
    expect(() => parseBootstrapOperator('ops:short')).toThrow(/at least 8/);
  });

  it('checks passwords and roles', () => {
    expect(passwordProblem('x'.repeat(129))).toMatch(/at most/);
    expect(passwordProblem('long enough')).toBeUndefined();
    expect(roleAllowed('BUYER', ['BUYER'])).toBe(true);
    expect(roleAllowed('MERCHANT', ['BUYER', 'OPERATOR'])).toBe(false);
  });
});
