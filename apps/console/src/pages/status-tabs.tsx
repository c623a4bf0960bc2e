import type { KeyboardEvent, ReactNode } from 'react';

// The order list's status tabs as Ant Design's tab markup (its classes, so antd.css styles them;
// order-table.css sets the variables and draws the active tab's bar). antd's Tabs measures every
// tab with a forced layout on each render to place its animated ink bar and overflow menu, and
// the list renders its tabs again whenever the counts arrive or refresh.

export interface StatusTab {
  key: string;
  label: ReactNode;
  testId?: string;
}

/** A WAI-ARIA tab list (arrow keys, Home and End move and select); the page below is the one panel. */
export function StatusTabs({ tabs, active, onChange }: { tabs: StatusTab[]; active: string; onChange: (key: string) => void }) {
  const move = (event: KeyboardEvent<HTMLDivElement>) => {
    const index = tabs.findIndex((tab) => tab.key === active);
    const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: tabs.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const target = tabs[(next + tabs.length) % tabs.length];
    onChange(target.key);
    event.currentTarget.querySelector<HTMLElement>(`[data-node-key="${target.key}"] [role="tab"]`)?.focus();
  };
  return (
    <div className="ant-tabs ant-tabs-top ant-tabs-css-var order-tabs">
      <div role="tablist" aria-orientation="horizontal" className="ant-tabs-nav" onKeyDown={move}>
        <div className="ant-tabs-nav-wrap">
          <div className="ant-tabs-nav-list">
            {tabs.map((tab) => (
              <div key={tab.key} data-node-key={tab.key} className={tab.key === active ? 'ant-tabs-tab ant-tabs-tab-active' : 'ant-tabs-tab'}>
                <div role="tab" aria-selected={tab.key === active} className="ant-tabs-tab-btn" tabIndex={tab.key === active ? 0 : -1} onClick={() => onChange(tab.key)}>
                  <span data-testid={tab.testId}>{tab.label}</span>
                </div>
              </div>
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}
