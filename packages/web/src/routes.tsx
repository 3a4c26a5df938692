import type { ReactNode } from 'react';
import { AccessDeniedPage } from './pages/AccessDenied.js';
import { AccountPage } from './pages/Account.js';
import { AuditPage } from './pages/Audit.js';
import { CampaignsPage } from './pages/care/Campaigns.js';
import { CareHomePage } from './pages/care/CareHome.js';
import { DashboardPage } from './pages/care/Dashboard.js';
import { QuestionnairePage } from './pages/care/Questionnaire.js';
import { RoadmapPage } from './pages/care/Roadmap.js';
import { ScoreTrendPage } from './pages/care/ScoreTrend.js';
import * as D2 from './pages/continuity/index.js';
import { HomePage } from './pages/Home.js';
import { OrganisationPage, OrganisationRootsPage } from './pages/Organisations.js';
import { PasswordResetPage } from './pages/PasswordReset.js';
import { SignInPage } from './pages/SignIn.js';
import { TechnicalResultsPage } from './pages/security/TechnicalResults.js';
import { UsersPage } from './pages/Users.js';

export interface AppRoute {
  path: string;
  element: ReactNode;
  /** Page title (document title and, with `nav`, the main navigation entry). */
  title: string;
  /** Reachable without being signed in. */
  public?: boolean;
  /** Shown in the main navigation. */
  nav?: boolean;
  /** When its navigation entry is the current one (default: the path is this route's or below it). */
  activeWhen?: (pathname: string) => boolean;
}

const NODE_PAGE = /^\/organisations\/\d+\/(comptes|journal)$/;

/** Every page of the UI. A feature adds its pages here, one line each. */
export const routes: AppRoute[] = [
  { path: '/connexion', element: <SignInPage />, title: 'Connexion', public: true },
  {
    path: '/reinitialisation',
    element: <PasswordResetPage />,
    title: 'Réinitialisation du mot de passe',
    public: true,
  },
  { path: '/', element: <HomePage />, title: 'Accueil', nav: true },
  {
    path: '/organisations',
    element: <OrganisationRootsPage />,
    title: 'Organisations',
    nav: true,
    activeWhen: (p) => p.startsWith('/organisations') && !NODE_PAGE.test(p),
  },
  { path: '/organisations/:id', element: <OrganisationPage />, title: 'Organisation' },
  { path: '/organisations/:id/comptes', element: <UsersPage />, title: 'Comptes et rôles' },
  { path: '/organisations/:id/journal', element: <AuditPage />, title: "Journal d'audit" },
  { path: '/organisations/:id/securite', element: <TechnicalResultsPage />, title: 'Sécurité opérationnelle' },
  {
    path: '/comptes',
    element: <UsersPage />,
    title: 'Comptes et rôles',
    nav: true,
    activeWhen: (p) => p === '/comptes' || p.endsWith('/comptes'),
  },
  {
    path: '/journal',
    element: <AuditPage />,
    title: "Journal d'audit",
    nav: true,
    activeWhen: (p) => p === '/journal' || p.endsWith('/journal'),
  },
  {
    path: '/care',
    element: <CareHomePage />,
    title: 'CaRE',
    nav: true,
    activeWhen: (p) => /^\/(care|evaluations)|\/(care|tableau-de-bord)$/.test(p),
  },
  { path: '/organisations/:id/care', element: <CareHomePage />, title: 'Programme CaRE' },
  { path: '/organisations/:id/tableau-de-bord', element: <DashboardPage />, title: 'Tableau de bord CaRE' },
  { path: '/evaluations/:id', element: <QuestionnairePage />, title: 'Auto-évaluation CaRE' },
  { path: '/evaluations/:id/score', element: <ScoreTrendPage />, title: 'Score CaRE et tendance' },
  { path: '/evaluations/:id/feuille-de-route', element: <RoadmapPage />, title: 'Feuille de route cyber' },
  { path: '/organisations/:id/campagnes', element: <CampaignsPage />, title: 'Campagnes CaRE' },
  { path: '/continuite', element: <D2.BiaPage />, title: 'Continuité (D2)', nav: true, activeWhen: D2.active },
  { path: '/organisations/:id/continuite', element: <D2.BiaPage />, title: 'Analyse d’impact (D2)' },
  { path: '/organisations/:id/continuite/graphe', element: <D2.GraphPage />, title: 'Dépendances (D2)' },
  { path: '/organisations/:id/continuite/plan', element: <D2.PlanPage />, title: 'Plan de reprise (D2)' },
  { path: '/organisations/:id/continuite/sauvegardes', element: <D2.BackupsPage />, title: 'Sauvegardes (D2)' },
  { path: '/mon-compte', element: <AccountPage />, title: 'Mon compte' },
  { path: '/acces-refuse', element: <AccessDeniedPage />, title: 'Accès refusé' },
];
