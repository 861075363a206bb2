import { useRef, useState } from 'react';
import type { CreatedApiKey } from '../gateway/vault-types.ts';

type CopyState = 'idle' | 'copied' | 'selected';

/**
 * The one time the full key is shown: highlighted, with a copy button and a warning. It exists
 * only in the answer to the POST that created it, so leaving or reloading the page drops it.
 */
export function CreatedApiKeyBox({ created, onDismiss }: { created: CreatedApiKey; onDismiss: () => void }) {
  const keyRef = useRef<HTMLElement>(null);
  const [copyState, setCopyState] = useState<CopyState>('idle');

  async function copy() {
    try {
      await navigator.clipboard.writeText(created.key);
      setCopyState('copied');
    } catch {
      // The Clipboard API needs a secure context and permission; select the key so Ctrl+C copies it instead.
      const element = keyRef.current;
      const selection = window.getSelection();
      if (element && selection) {
        const range = document.createRange();
        range.selectNodeContents(element);
        selection.removeAllRanges();
        selection.addRange(range);
      }
      setCopyState('selected');
    }
  }

  return (
    <div className="created-key-box" role="status" data-testid="created-api-key-box" data-id={created.apiKey.id}>
      <strong>API key "{created.apiKey.name}" created</strong>
      <p className="created-key-warning">Copy it now: this is the only time it is shown. The vault keeps only its hash, so it cannot be shown again.</p>
      <div className="created-key-row">
        <code ref={keyRef} className="created-key" data-testid="created-api-key">
          {created.key}
        </code>
        <button type="button" className="button primary" onClick={copy}>
          {copyState === 'copied' ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="button" onClick={onDismiss}>
          Done
        </button>
      </div>
      {copyState === 'selected' ? <p className="muted">The browser refused to copy; the key is selected, press Ctrl+C (⌘C).</p> : null}
    </div>
  );
}
