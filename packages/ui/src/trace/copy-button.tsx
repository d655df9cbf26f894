/**
 * Copy to clipboard with a moment of feedback. Falls back to a hidden textarea where the
 * Clipboard API is unavailable (plain-http deployments on another host are not a secure
 * context, and there `navigator.clipboard` does not exist).
 */
import { useState } from 'react';

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard && window.isSecureContext) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  document.execCommand('copy');
  area.remove();
}

export function CopyButton({
  text,
  label,
  title,
}: {
  text: string;
  label: string;
  title?: string;
}) {
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="heron-trace-button heron-copy-button"
      title={title ?? `Copy ${text}`}
      onClick={() => {
        void copyText(text).then(
          () => {
            setCopied(true);
            setTimeout(() => setCopied(false), 1200);
          },
          () => setCopied(false),
        );
      }}
    >
      {copied ? 'Copied' : label}
    </button>
  );
}

/** "Copy link" and "Open in new tab" for a page of the app (`path` starts with /). */
export function LinkActions({ path, what }: { path: string; what: string }) {
  const url = new URL(path, window.location.origin).toString();
  return (
    <span className="heron-link-actions">
      <CopyButton text={url} label="Copy link" title={`Copy a link to this ${what}`} />
      <a
        className="heron-trace-button"
        href={path}
        target="_blank"
        rel="noopener noreferrer"
        title={`Open this ${what} in a new tab`}
      >
        Open in new tab ↗
      </a>
    </span>
  );
}
