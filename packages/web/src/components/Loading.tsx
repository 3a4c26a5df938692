/** A polite placeholder while data loads. */
export function Loading({ label = 'Chargement…' }: { label?: string }) {
  return (
    <p className="fr-text--sm" aria-live="polite" aria-busy="true">
      {label}
    </p>
  );
}
