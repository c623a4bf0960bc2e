import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';

/**
 * A button's call to the API: clears the last refusal, runs the call, refreshes the lists under
 * `refresh` (every query when it is empty) and keeps the refusal for a ProblemAlert. Resolves
 * true when the call succeeded.
 */
export function useAction(refresh: readonly unknown[] = []) {
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>();
  const act = async (action: () => Promise<unknown>): Promise<boolean> => {
    setError(undefined);
    try {
      await action();
      await queryClient.invalidateQueries(refresh.length ? { queryKey: [...refresh] } : undefined);
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    }
  };
  return { error, setError, act };
}
