import { expect } from 'vitest';
import { allCustomMatcher } from 'aws-sdk-client-mock-vitest';

// aws-sdk-client-mock matchers (toHaveReceivedCommandWith, ...) registered once for every file.
expect.extend(allCustomMatcher);
