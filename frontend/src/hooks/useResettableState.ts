import { type Dispatch, type SetStateAction, useState } from "react";

/**
 * State that starts from `initial()` and starts over whenever `key` changes (a draft of what is
 * in the URL, a thread's loaded pages per conversation). It adjusts during render, as React's
 * "You might not need an effect" recommends, instead of a second render from an effect.
 */
export function useResettableState<T>(key: string, initial: () => T): [T, Dispatch<SetStateAction<T>>] {
  const [state, setState] = useState(initial);
  const [seenKey, setSeenKey] = useState(key);
  if (seenKey !== key) {
    const fresh = initial();
    setSeenKey(key);
    setState(fresh);
    return [fresh, setState];
  }
  return [state, setState];
}
