import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';
import { forgetSchema } from '../queries';

// jsdom has no layout: scrolling is a no-op there.
window.scrollTo = () => {};

afterEach(() => {
  cleanup();
  sessionStorage.clear();
  forgetSchema();
  window.history.replaceState(null, '', '/');
});
