import { useMemo } from 'react';
import { encodeQr } from '../qr/qr-code.js';

const QUIET_ZONE = 4;

/** A QR code drawn as inline SVG (no image request, nothing for the CSP to refuse). */
export function QrCode({ text, label, pixels = 200 }: { text: string; label: string; pixels?: number }) {
  const qr = useMemo(() => {
    try {
      return encodeQr(text);
    } catch {
      return null;
    }
  }, [text]);
  if (!qr) return null;
  const extent = qr.size + QUIET_ZONE * 2;
  let path = '';
  qr.modules.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) path += `M${x + QUIET_ZONE} ${y + QUIET_ZONE}h1v1h-1z`;
    });
  });
  return (
    <svg
      role="img"
      aria-label={label}
      data-testid="totp-qr"
      width={pixels}
      height={pixels}
      viewBox={`0 0 ${extent} ${extent}`}
      shapeRendering="crispEdges"
    >
      <rect width={extent} height={extent} fill="#fff" />
      <path d={path} fill="#000" />
    </svg>
  );
}
