// One formatter for every time the console shows: the browser's locale and its default date and
// time fields (what Date#toLocaleString() gives), built once instead of once per call.
const DATE_TIME = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });

/** "2026/12/2 10:00:00" in a zh-CN browser: an ISO instant from the API as local date and time. */
export function formatTime(at: string): string {
  return DATE_TIME.format(new Date(at));
}
