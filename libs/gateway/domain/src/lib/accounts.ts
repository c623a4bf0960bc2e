/** Who can sign in (domain.md §6.4). Sub-accounts and carriers arrive with the gateway issue. */
export const ACCOUNT_ROLES = ['OPERATOR', 'MERCHANT', 'BUYER'] as const;
export type AccountRole = (typeof ACCOUNT_ROLES)[number];

export interface OperatorCredentials {
  username: string;
  password: string;
}

/** `BOOTSTRAP_OPERATOR=username:password`; the password may itself contain colons. */
export function parseBootstrapOperator(value: string): OperatorCredentials {
  const separator = value.indexOf(':');
  const username = separator > 0 ? value.slice(0, separator) : '';
  const password = separator > 0 ? value.slice(separator + 1) : '';
  if (!USERNAME.test(username)) throw new Error('BOOTSTRAP_OPERATOR must be username:password with a username of 3-64 letters, digits, dot, dash or underscore');
  const problem = passwordProblem(password);
  if (problem) throw new Error(`BOOTSTRAP_OPERATOR: ${problem}`);
  return { username, password };
}

/**
 * The operator password of embedded mode and test runs (architecture.md); a production
 * gateway refuses to start with it (issue 12 item 9, GatewayConfig).
 */
export const DEFAULT_OPERATOR_PASSWORD = 'operator-password';

export const USERNAME = /^[a-zA-Z0-9._-]{3,64}$/;

export function passwordProblem(password: string): string | undefined {
  if (password.length < 8) return 'the password must have at least 8 characters';
  if (password.length > 128) return 'the password must have at most 128 characters';
  return undefined;
}

/** Which roles may call an operation; the gateway checks before forwarding. */
export function roleAllowed(role: AccountRole, allowed: readonly AccountRole[]): boolean {
  return allowed.includes(role);
}
