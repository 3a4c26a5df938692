import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Tile } from '@codegouvfr/react-dsfr/Tile';
import { Link } from 'react-router-dom';
import { useAuth } from '../auth.js';
import { ColumnTable } from '../components/ColumnTable.js';
import { KIND_SHORT } from '../labels.js';

/** Home: who is signed in, with which roles on which nodes, and where to go next. */
export function HomePage() {
  const { me } = useAuth();
  if (!me) return null;
  const first = me.grants[0];
  const tiles = [
    {
      title: 'Organisations',
      desc: 'Parcourir l’arbre : régions, groupements, entités juridiques et établissements.',
      to: '/organisations',
    },
    {
      title: 'Comptes et rôles',
      desc: 'Les comptes de votre périmètre et leurs rôles.',
      to: first ? `/organisations/${first.organisationId}/comptes` : '/comptes',
    },
    {
      title: 'Journal d’audit',
      desc: 'Toutes les modifications de votre périmètre, chaînées et vérifiables.',
      to: first ? `/organisations/${first.organisationId}/journal` : '/journal',
    },
    { title: 'Mon compte', desc: 'Double authentification et jetons d’API.', to: '/mon-compte' },
  ];
  return (
    <>
      <h1>Bonjour {me.displayName}</h1>
      {!me.totpEnabled && (
        <Alert
          severity="warning"
          title="Protégez votre compte"
          description={
            <>
              La double authentification n’est pas activée sur votre compte.{' '}
              <Link to="/mon-compte">Activez-la dans Mon compte</Link>.
            </>
          }
          className="fr-mb-4w"
        />
      )}
      <h2>Vos rôles</h2>
      {me.grants.length === 0 ? (
        <p>Aucun rôle ne vous est attribué : demandez-en un à votre référent.</p>
      ) : (
        <ColumnTable caption="Rôles attribués à votre compte" testId="home-grants" headers={['Rôle', 'Sur', 'Niveau']}>
          {me.grants.map((g) => (
            <tr key={`${g.role}-${g.organisationId}`}>
              <td>{g.roleLabel}</td>
              <td>
                <Link to={`/organisations/${g.organisationId}`}>{g.organisationName}</Link>
              </td>
              <td>{KIND_SHORT[g.organisationKind] ?? g.organisationKind}</td>
            </tr>
          ))}
        </ColumnTable>
      )}
      <h2 className="fr-mt-4w">Accès rapides</h2>
      <div className="fr-grid-row fr-grid-row--gutters">
        {tiles.map((t) => (
          <div key={t.title} className="fr-col-12 fr-col-md-6 fr-col-lg-3">
            <Tile title={t.title} desc={t.desc} linkProps={{ to: t.to }} enlargeLinkOrButton orientation="vertical" />
          </div>
        ))}
      </div>
    </>
  );
}
