// Rules every service applies the same way: masking of consumer data (domain.md §6.1) and the
// platform's calendar day (limits that reset at 00:00 platform time).
export * from './lib/masking';
export * from './lib/platform-day';
export * from './lib/safe-text';
// Who may assert each fact about an order (issue 12): read at the gateway and in the order service.
export * from './lib/fact-owners';
// The order code lists the API shows (pause reasons, release triggers, statuses): one array each.
export * from './lib/order-codes';
