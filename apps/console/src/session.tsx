import { createContext, useContext } from 'react';
import type { OrderlineClient } from '@orderline/shared/api-client';
import { apiClient, call, type ApiSchema } from './api';

export type Role = 'MERCHANT' | 'BUYER' | 'OPERATOR';

export interface Session {
  token: string;
  username: string;
  role: Role;
  accountId: string;
  merchantId?: string;
  buyerId?: string;
}

const STORAGE_KEY = 'orderline.console.session';

/** The claims the gateway signs into the access token (accounts.ts: sub, role, merchantId, buyerId). */
function claimsOf(token: string): Record<string, string> {
  const payload = token.split('.')[1] ?? '';
  const json = atob(payload.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(payload.length / 4) * 4, '='));
  return JSON.parse(json);
}

export async function signIn(username: string, password: string): Promise<Session> {
  const { accessToken } = await call(apiClient().POST('/api/v1/auth/token', { body: { username, password } }));
  const claims = claimsOf(accessToken);
  const session: Session = { token: accessToken, username, role: claims['role'] as Role, accountId: claims['sub'], merchantId: claims['merchantId'], buyerId: claims['buyerId'] };
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
  return session;
}

export function storedSession(): Session | undefined {
  const stored = sessionStorage.getItem(STORAGE_KEY);
  return stored ? (JSON.parse(stored) as Session) : undefined;
}

export function forgetSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

export interface SignedIn {
  session: Session;
  api: OrderlineClient;
}

export const SessionContext = createContext<SignedIn | undefined>(undefined);

export function useSession(): SignedIn {
  const signedIn = useContext(SessionContext);
  if (!signedIn) throw new Error('useSession outside a signed-in page');
  return signedIn;
}

export type MerchantPage = 'orders' | 'afterSales' | 'exports' | 'catalog' | 'subAccounts' | 'cancellations' | 'noTracking';
type Caller = ApiSchema<'CallerView'>;

/**
 * What each merchant page lists needs, as the gateway checks it on the page's list call
 * (`@RequirePermission` / `@MainAccountOnly` on those routes; tests/access-matrix.e2e-spec.ts).
 * Hiding a page is a convenience: opening one anyway shows the gateway's refusal.
 */
const PAGE_NEEDS: Record<MerchantPage, Caller['permissions'][number] | 'MAIN_ACCOUNT'> = {
  orders: 'VIEW_ORDERS',
  afterSales: 'AFTER_SALES',
  exports: 'EXPORT',
  catalog: 'VIEW_ORDERS',
  subAccounts: 'MAIN_ACCOUNT',
  cancellations: 'VIEW_ORDERS',
  noTracking: 'VIEW_ORDERS',
};

/** Which merchant pages this account may use: one `GET /auth/me` (the grants as they stand now, not as the token was signed). */
export async function merchantPages(api: OrderlineClient): Promise<MerchantPage[]> {
  const caller = await call(api.GET('/api/v1/auth/me', {}));
  return (Object.keys(PAGE_NEEDS) as MerchantPage[]).filter((page) => {
    const needs = PAGE_NEEDS[page];
    return needs === 'MAIN_ACCOUNT' ? caller.accountKind === 'MAIN' : caller.permissions.includes(needs);
  });
}
