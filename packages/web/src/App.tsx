import { Footer } from '@codegouvfr/react-dsfr/Footer';
import { Header } from '@codegouvfr/react-dsfr/Header';
import { Fragment, type ReactNode, useEffect } from 'react';
import { Navigate, Route, Routes, useLocation, useNavigate, useParams } from 'react-router-dom';
import { useAuth } from './auth.js';
import { Loading } from './components/Loading.js';
import { AccessDeniedPage } from './pages/AccessDenied.js';
import { type AppRoute, routes } from './routes.js';

const SERVICE_TITLE = 'Rempart';
const TAGLINE = 'Cybersécurité des établissements de santé — programme CaRE';
const BRAND_TOP = (
  <>
    République
    <br />
    Française
  </>
);
const HOME = { to: '/', title: 'Accueil — Rempart' };

/** Sets the document title for a page. */
function Titled({ title, children }: { title: string; children: ReactNode }) {
  useEffect(() => {
    document.title = `${title} — ${SERVICE_TITLE}`;
  }, [title]);
  return <>{children}</>;
}

/** Sends visitors who are not signed in to /connexion, remembering where they were going. */
function RequireSession({ children }: { children: ReactNode }) {
  const { me, signedOut } = useAuth();
  const location = useLocation();
  if (me === undefined) return <Loading />;
  if (me === null) {
    if (signedOut) return <Navigate to="/connexion" replace />;
    const back = `${location.pathname}${location.search}`;
    return <Navigate to={`/connexion${back === '/' ? '' : `?retour=${encodeURIComponent(back)}`}`} replace />;
  }
  return <>{children}</>;
}

/**
 * Mounts the page afresh for each `:id`: moving from one node (or assessment) to another by a link keeps the
 * same route, and without this the page would show the previous node's data under the new address until its
 * own arrives.
 */
function PerId({ children }: { children: ReactNode }) {
  const { id } = useParams();
  return <Fragment key={id ?? ''}>{children}</Fragment>;
}

function pageOf(route: AppRoute) {
  const page = (
    <Titled title={route.title}>
      <PerId>{route.element}</PerId>
    </Titled>
  );
  return route.public ? page : <RequireSession>{page}</RequireSession>;
}

export function App() {
  const { me, signOut } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();

  const navigation = me
    ? routes
        .filter((r) => r.nav)
        .map((r) => ({
          text: r.title,
          linkProps: { to: r.path },
          isActive: r.activeWhen
            ? r.activeWhen(location.pathname)
            : r.path === '/'
              ? location.pathname === '/'
              : location.pathname.startsWith(r.path),
        }))
    : undefined;

  const quickAccessItems = me
    ? [
        { iconId: 'fr-icon-account-circle-line' as const, text: 'Mon compte', linkProps: { to: '/mon-compte' } },
        {
          iconId: 'fr-icon-logout-box-r-line' as const,
          text: 'Se déconnecter',
          buttonProps: {
            onClick: () => {
              signOut().finally(() => navigate('/connexion', { replace: true }));
            },
          },
        },
      ]
    : [{ iconId: 'fr-icon-lock-line' as const, text: 'Se connecter', linkProps: { to: '/connexion' } }];

  return (
    <div style={{ minHeight: '100vh', display: 'flex', flexDirection: 'column' }}>
      <Header
        brandTop={BRAND_TOP}
        serviceTitle={SERVICE_TITLE}
        serviceTagline={TAGLINE}
        homeLinkProps={HOME}
        navigation={navigation}
        quickAccessItems={quickAccessItems}
      />
      <main id="contenu" className="fr-container fr-py-6w" style={{ flex: 1 }}>
        <Routes>
          {routes.map((r) => (
            <Route key={r.path} path={r.path} element={pageOf(r)} />
          ))}
          <Route path="*" element={<AccessDeniedPage reason="not_found" />} />
        </Routes>
      </main>
      <Footer
        brandTop={BRAND_TOP}
        homeLinkProps={HOME}
        accessibility="non compliant"
        contentDescription="Rempart accompagne les établissements de santé et médico-sociaux, leurs groupements, les ARS et le niveau national dans la conduite du programme CaRE (Cybersécurité accélération et Résilience des Établissements)."
      />
    </div>
  );
}
