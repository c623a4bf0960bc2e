import { createContext, useContext } from 'react';
import type { OrderlineClient } from '@orderline/shared/api-client';
import { apiClient, call } from './api';

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

/**
 * Which merchant pages this account may use. The token says MERCHANT but not a sub-account's
 * grants (the gateway checks them on every call), so the console asks each page's list once and
 * hides the pages the gateway refuses (403); opening one anyway shows the refusal.
 */
export async function merchantPages(api: OrderlineClient, merchantId: string): Promise<MerchantPage[]> {
  const probes: Record<MerchantPage, () => Promise<{ response: Response }>> = {
    orders: () => api.GET('/api/v1/merchant/orders', { params: { query: { limit: '1' } } }),
    afterSales: () => api.GET('/api/v1/merchant/after-sales', { params: { query: { limit: 1 } } }),
    exports: () => api.GET('/api/v1/merchant/exports', { params: { query: { limit: '1' } } }),
    catalog: () => api.GET('/api/v1/merchant/catalog/skus', {}),
    subAccounts: () => api.GET('/api/v1/merchants/{id}/sub-accounts', { params: { path: { id: merchantId } } }),
    cancellations: () => api.GET('/api/v1/merchant/cancellation-requests', {}),
    noTracking: () => api.GET('/api/v1/merchant/shipments/without-tracking', {}),
  };
  const answers = await Promise.all(Object.entries(probes).map(async ([page, probe]) => [page, (await probe()).response.status] as const));
  return answers.filter(([, status]) => status !== 403 && status !== 401).map(([page]) => page as MerchantPage);
}
