import { afterEach } from 'vitest';
import { cleanup } from '@testing-library/react';
import { forgetSchema } from '../queries';

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
  cleanup();
  sessionStorage.clear();
  forgetSchema();
  window.history.replaceState(null, '', '/');
});
