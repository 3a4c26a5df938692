import { Button } from '@codegouvfr/react-dsfr/Button';

const TEXT = {
  forbidden: {
    title: 'Accès refusé',
    code: 'Erreur 403',
    lead: 'Vos rôles ne vous donnent pas accès à cette page.',
    body: 'Les rôles sont attribués sur un nœud de l’arbre des organisations et valent pour ses descendants. Si vous pensez devoir accéder à cette page, demandez à un gestionnaire des comptes de votre organisation de vous attribuer le rôle nécessaire.',
  },
  not_found: {
    title: 'Page introuvable',
    code: 'Erreur 404',
    lead: 'La page que vous cherchez est introuvable.',
    body: 'L’adresse est peut-être erronée, ou l’objet demandé n’existe plus.',
  },
} as const;

/** The 403 / 404 page, shown for unknown paths and when the API refuses a page's data. */
export function AccessDeniedPage({ reason = 'forbidden' }: { reason?: 'forbidden' | 'not_found' }) {
  const text = TEXT[reason];
  return (
    <div className="fr-grid-row fr-grid-row--center fr-my-4w" data-testid={`error-${reason}`}>
      <div className="fr-col-12 fr-col-md-8">
        <h1>{text.title}</h1>
        <p className="fr-text--sm fr-mb-3w">{text.code}</p>
        <p className="fr-text--lead fr-mb-3w">{text.lead}</p>
        <p className="fr-text--sm fr-mb-5w">{text.body}</p>
        <Button linkProps={{ to: '/' }} iconId="fr-icon-home-4-line">
          Revenir à l’accueil
        </Button>
      </div>
    </div>
  );
}
