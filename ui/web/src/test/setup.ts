import { afterEach, expect } from 'vitest';
import { cleanup, configure } from '@testing-library/react';
import { forgetSchema } from '../queries';
import { invalidOperations } from './graphql';

// findBy* and waitFor wait up to 5 s: on a loaded machine a debounced search
// plus a mocked fetch can take longer than the default 1 s.
configure({ asyncUtilTimeout: 5000 });

// jsdom has no layout: scrolling is a no-op there.
window.scrollTo = () => {};

// React Flow measures its pane and nodes; jsdom has neither ResizeObserver
// nor DOMMatrixReadOnly. Nodes carry their size and handles, so no
// measurement is needed to draw them and their edges.
class NoResizeObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
}
globalThis.ResizeObserver ??= NoResizeObserver as unknown as typeof ResizeObserver;
class IdentityMatrix {
  m22: number;
  constructor(transform?: string) {
    const scale = /scale\(([\d.]+)\)/.exec(transform ?? '');
    this.m22 = scale ? Number(scale[1]) : 1;
  }
}
(globalThis as { DOMMatrixReadOnly?: unknown }).DOMMatrixReadOnly ??= IdentityMatrix;

afterEach(() => {
  // Every operation a test sent must be one the server's schema accepts.
  const invalid = invalidOperations.splice(0);
  expect(invalid, 'operations the GraphQL schema refuses').toEqual([]);
  cleanup();
  sessionStorage.clear();
  forgetSchema();
  window.history.replaceState(null, '', '/');
});
