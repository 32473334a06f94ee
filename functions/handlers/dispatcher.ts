import type { ScheduledEvent } from 'aws-lambda';
import { dispatchFeeds, type DispatchDeps, type DispatchResult } from '../dispatch/dispatch';

/** The dispatcher's handler: the schedule fires, every due feed becomes one queue message. */
export function createDispatcherHandler(deps: DispatchDeps): (event?: ScheduledEvent) => Promise<DispatchResult> {
  return async () => dispatchFeeds(deps);
}
