// The token prompt: opened by any mutation the server refuses for want of a
// token, and from the header. The token is kept in sessionStorage, so it
// lasts as long as the browser tab.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { getToken, setToken, setTokenAsker } from '../api';

interface Pending {
  reason: string;
  resolve: (token: string | null) => void;
}

/** TokenPromptHost installs the prompt for the API client and renders it when asked. */
export function TokenPromptHost() {
  const [pending, setPending] = useState<Pending | null>(null);
  useEffect(() => {
    setTokenAsker(
      (reason) =>
        new Promise<string | null>((resolve) => {
          setPending({ reason, resolve });
        }),
    );
    const open = () => setPending({ reason: 'Enter the API token for this server.', resolve: () => {} });
    window.addEventListener('lineage:token', open);
    return () => {
      setTokenAsker(null);
      window.removeEventListener('lineage:token', open);
    };
  }, []);
  if (!pending) return null;
  const done = (t: string | null) => {
    if (t) setToken(t);
    pending.resolve(t);
    setPending(null);
    window.dispatchEvent(new Event('lineage:token-changed'));
  };
  return <TokenDialog reason={pending.reason} onDone={done} />;
}

/** openTokenPrompt opens the prompt from anywhere (the header's token button). */
export function openTokenPrompt(): void {
  window.dispatchEvent(new Event('lineage:token'));
}

export function TokenDialog({ reason, onDone }: { reason: string; onDone: (token: string | null) => void }) {
  const [value, setValue] = useState(getToken());
  const input = useRef<HTMLInputElement>(null);
  const before = useRef<Element | null>(null);
  useEffect(() => {
    before.current = document.activeElement;
    input.current?.focus();
    return () => (before.current as HTMLElement | null)?.focus?.();
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onDone(value.trim() || null);
  };
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onDone(null)}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="token-title"
        onKeyDown={(e) => {
          if (e.key === 'Escape') onDone(null);
        }}
      >
        <form onSubmit={submit}>
          <h2 id="token-title">API token</h2>
          <p>{reason}</p>
          <label htmlFor="token-input">Token</label>
          <input
            id="token-input"
            ref={input}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={value}
            onChange={(e) => setValue(e.target.value)}
            placeholder="paste the token"
          />
          <p className="muted small">
            Kept in this browser tab only (sessionStorage). The server's tokens come from LINEAGE_TOKENS or
            -tokens-file.
          </p>
          <div className="actions">
            <button type="submit" className="primary" disabled={!value.trim()}>
              Use token
            </button>
            <button type="button" onClick={() => onDone(null)}>
              Cancel
            </button>
            {getToken() && (
              <button
                type="button"
                className="link"
                onClick={() => {
                  setToken('');
                  onDone(null);
                }}
              >
                Forget the token
              </button>
            )}
          </div>
        </form>
      </div>
    </div>
  );
}
