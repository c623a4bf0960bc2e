import { memo, StrictMode, useMemo, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider, queryOptions, useQuery } from '@tanstack/react-query';
import type { OrderlineClient } from '@orderline/shared/api-client';
import { Button, ConfigProvider, Layout, Menu, Result, Segmented, Space, Typography } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import 'antd/dist/antd.css';
import { apiClient } from './api';
import { Language, LanguageContext, translate } from './i18n';
import { match, navigate, usePath } from './router';
import { forgetSession, merchantPages, Session, SessionContext, storedSession } from './session';
import { SignInPage } from './pages/sign-in';
import { MerchantOrdersPage, orderListQuery } from './pages/merchant-orders';
import { MerchantOrderPage } from './pages/merchant-order';
import { AfterSalesReviewPage } from './pages/after-sales-review';
import { ExportCenterPage } from './pages/export-center';
import { CatalogPage } from './pages/catalog';
import { SubAccountsPage } from './pages/sub-accounts';
import { BuyerOrdersPage, BuyerOrderPage } from './pages/buyer-orders';
import { BuyerCreditPage } from './pages/buyer-credit';
import { PlatformPage } from './pages/platform';
import { CancellationRequestPage, CancellationRequestsPage } from './pages/cancellation-requests';
import { NoTrackingPage } from './pages/shipment-tools';

const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } });

/** The menu's question: which merchant pages this account may use (one call, asked once per sign-in). */
function merchantPagesQuery(session: Session, api: OrderlineClient) {
  return queryOptions({ queryKey: ['merchant-pages', session.token], queryFn: () => merchantPages(api), staleTime: Infinity });
}

/**
 * A signed-in merchant opening the order list (the page a merchant lands on): its list call and
 * the menu's permission call leave before the script renders anything, so the network time
 * overlaps React's first render instead of following it.
 */
function startFirstPageCalls(session: Session | undefined, path: string): void {
  if (session?.role !== 'MERCHANT') return;
  const api = apiClient(session.token);
  void queryClient.prefetchQuery(merchantPagesQuery(session, api));
  if (path === '/' || path === '/orders') void queryClient.prefetchQuery(orderListQuery(api, 'ALL', {}, undefined));
}

interface NavItem {
  key: string;
  path: string;
  label: string;
}

function navOf(session: Session, pages: string[]): NavItem[] {
  if (session.role === 'BUYER') return [{ key: 'myOrders', path: '/buyer/orders', label: 'myOrders' }, { key: 'myCredit', path: '/buyer/credit', label: 'myCredit' }];
  if (session.role === 'OPERATOR') return [{ key: 'platform', path: '/platform', label: 'platform' }];
  const all: NavItem[] = [
    { key: 'orders', path: '/orders', label: 'orders' },
    { key: 'afterSales', path: '/after-sales', label: 'afterSales' },
    { key: 'exports', path: '/exports', label: 'exports' },
    { key: 'catalog', path: '/catalog', label: 'catalog' },
    { key: 'subAccounts', path: '/sub-accounts', label: 'subAccounts' },
    // Merchant tools: negotiated cancellation, the shipped tab's no-tracking list.
    { key: 'cancellations', path: '/cancellation-requests', label: 'cancellationRequests' },
    { key: 'noTracking', path: '/shipments/without-tracking', label: 'noTracking' },
  ];
  return all.filter((item) => pages.includes(item.key));
}

function homeOf(session: Session): string {
  return session.role === 'BUYER' ? '/buyer/orders' : session.role === 'OPERATOR' ? '/platform' : '/orders';
}

/** The page at `path`; memoised so the menu filling in (the permission call answering) does not render the page again. */
const Page = memo(function Page({ path }: { path: string }) {
  let params: Record<string, string> | undefined;
  if (path === '/orders') return <MerchantOrdersPage />;
  if ((params = match('/orders/:id', path))) return <MerchantOrderPage id={params['id']} />;
  if (path === '/after-sales') return <AfterSalesReviewPage />;
  if (path === '/exports') return <ExportCenterPage />;
  if (path === '/catalog') return <CatalogPage />;
  if (path === '/sub-accounts') return <SubAccountsPage />;
  // Merchant tools: negotiated cancellation, the shipped tab's no-tracking list.
  if (path === '/cancellation-requests') return <CancellationRequestsPage />;
  if ((params = match('/cancellation-requests/:id', path))) return <CancellationRequestPage id={params['id']} />;
  if (path === '/shipments/without-tracking') return <NoTrackingPage />;
  if (path === '/buyer/orders') return <BuyerOrdersPage />;
  if ((params = match('/buyer/orders/:id', path))) return <BuyerOrderPage id={params['id']} />;
  if (path === '/buyer/credit') return <BuyerCreditPage />;
  if (path === '/platform') return <PlatformPage />;
  return <Result status="404" title="404" />;
});

function Shell({ session, onSignOut, language, setLanguage }: { session: Session; onSignOut: () => void; language: Language; setLanguage: (language: Language) => void }) {
  const path = usePath();
  const signedIn = useMemo(() => ({ session, api: apiClient(session.token) }), [session]);
  const pages = useQuery({ ...merchantPagesQuery(session, signedIn.api), enabled: session.role === 'MERCHANT' });
  const t = (word: string) => translate(language, word);
  // The page does not wait for the caller's permissions: its own list call runs beside them and
  // the menu fills in when they answer (aria-busy until then).
  const pagesKnown = session.role !== 'MERCHANT' || !pages.isPending;
  const nav = navOf(session, pages.data ?? []);
  const current = path === '/' ? homeOf(session) : path;
  if (path === '/' || path === '/sign-in') queueMicrotask(() => navigate(homeOf(session)));
  const selected = nav.find((item) => current === item.path || current.startsWith(`${item.path}/`))?.key;
  return (
    <SessionContext.Provider value={signedIn}>
      <Layout style={{ minHeight: '100vh' }}>
        <Layout.Sider width={200} theme="light" breakpoint="lg" collapsedWidth={0}>
          <Typography.Title level={5} style={{ padding: '16px 16px 0' }}>
            {t('appName')}
          </Typography.Title>
          <nav aria-label={t('appName')} aria-busy={!pagesKnown}>
            <Menu mode="inline" selectedKeys={selected ? [selected] : []} items={nav.map((item) => ({ key: item.key, label: <a href={item.path} onClick={(event) => { event.preventDefault(); navigate(item.path); }}>{t(item.label)}</a> }))} />
          </nav>
        </Layout.Sider>
        <Layout>
          <Layout.Header style={{ background: '#fff', display: 'flex', justifyContent: 'flex-end', alignItems: 'center', paddingInline: 24 }}>
            <Space>
              <span data-testid="signed-in-as">
                {session.username} · {session.role}
              </span>
              <Segmented aria-label={t('language')} value={language} onChange={(value) => setLanguage(value as Language)} options={[{ label: '中文', value: 'zh' }, { label: 'English', value: 'en' }]} />
              <Button onClick={onSignOut}>{t('signOut')}</Button>
            </Space>
          </Layout.Header>
          <Layout.Content style={{ padding: 24 }}>
            <main>
              <Page path={current} />
            </main>
          </Layout.Content>
        </Layout>
      </Layout>
    </SessionContext.Provider>
  );
}

function App() {
  const [language, setLanguage] = useState<Language>(() => (localStorage.getItem('orderline.console.language') as Language) ?? 'zh');
  const [session, setSession] = useState<Session | undefined>(storedSession);
  const chooseLanguage = (next: Language) => {
    localStorage.setItem('orderline.console.language', next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    setLanguage(next);
  };
  return (
    <LanguageContext.Provider value={language}>
      <ConfigProvider locale={language === 'zh' ? zhCN : enUS} theme={{ zeroRuntime: true }}>
        {session ? (
          <Shell
            session={session}
            language={language}
            setLanguage={chooseLanguage}
            onSignOut={() => {
              forgetSession();
              queryClient.clear();
              setSession(undefined);
              navigate('/sign-in');
            }}
          />
        ) : (
          <SignInPage language={language} setLanguage={chooseLanguage} onSignedIn={setSession} />
        )}
      </ConfigProvider>
    </LanguageContext.Provider>
  );
}

startFirstPageCalls(storedSession(), window.location.pathname);
createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
