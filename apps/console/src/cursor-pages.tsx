import { useState } from 'react';
import { Button, Space } from 'antd';
import { useT } from './i18n';

/**
 * Keyset-cursor pages: the API gives only the next page's cursor, so the stack of cursors that
 * led to the current page is what "previous" needs. `restart` goes back to the first page (a new
 * filter or tab).
 */
export function useCursorPages() {
  const [cursors, setCursors] = useState<string[]>([]);
  return {
    cursor: cursors[cursors.length - 1] as string | undefined,
    restart: () => setCursors([]),
    pager: (nextCursor: string | null | undefined) => <CursorPager hasPrevious={cursors.length > 0} nextCursor={nextCursor} onPrevious={() => setCursors(cursors.slice(0, -1))} onNext={(next) => setCursors([...cursors, next])} />,
  };
}

function CursorPager({ hasPrevious, nextCursor, onPrevious, onNext }: { hasPrevious: boolean; nextCursor: string | null | undefined; onPrevious: () => void; onNext: (cursor: string) => void }) {
  const t = useT();
  return (
    <Space style={{ marginTop: 12 }}>
      <Button disabled={!hasPrevious} onClick={onPrevious}>
        {t('previous')}
      </Button>
      <Button disabled={!nextCursor} onClick={() => nextCursor && onNext(nextCursor)}>
        {t('next')}
      </Button>
    </Space>
  );
}
