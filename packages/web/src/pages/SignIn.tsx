import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useEffect, useState } from 'react';
import { Link, Navigate, useNavigate, useSearchParams } from 'react-router-dom';
import { api, setCsrfToken } from '../api.js';
import { useAuth } from '../auth.js';
import { PasswordField, TextField } from '../components/Fields.js';
import { ActionAlerts, useAction } from '../components/useAction.js';

interface LoginAnswer {
  status: 'signed_in' | 'mfa_required';
  csrfToken: string;
}

const OIDC_ERRORS: Record<string, string> = {
  'compte-inconnu':
    'Aucun compte Rempart actif ne correspond à cette identité. Demandez à votre référent de créer votre compte.',
};

/** Only same-site paths are followed after sign-in (no open redirect). */
function safeReturn(value: string | null): string {
  return value && /^\/(?!\/)[^\\]*$/.test(value) ? value : '/';
}

/** Sign-in: e-mail and password, then the TOTP or recovery code step when the account has one. */
export function SignInPage() {
  const { me, refresh } = useAuth();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const back = safeReturn(params.get('retour'));
  const [step, setStep] = useState<'password' | 'code'>('password');
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const action = useAction();
  const busy = action.busy;
  const [oidc, setOidc] = useState<{ label: string } | null>(null);

  useEffect(() => {
    api.get<{ oidc: { label: string } | null }>('/auth/config').then(
      (c) => setOidc(c.oidc),
      () => setOidc(null),
    );
  }, []);

  if (me && step === 'password' && !busy) return <Navigate to={back} replace />;

  async function finish() {
    await refresh();
    navigate(back, { replace: true });
  }

  const submitPassword = action.submit(async () => {
    const answer = await api.post<LoginAnswer>('/auth/login', { email: email.trim(), password });
    setCsrfToken(answer.csrfToken);
    setPassword('');
    if (answer.status === 'mfa_required') setStep('code');
    else await finish();
    return null;
  });

  const submitCode = action.submit(async () => {
    const answer = await api.post<LoginAnswer>('/auth/totp/verify', { code: code.replace(/\s+/g, '') });
    setCsrfToken(answer.csrfToken);
    await finish();
    return null;
  });

  const oidcError = params.get('erreur');
  return (
    <div className="fr-grid-row fr-grid-row--center">
      <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
        <h1>Connexion à Rempart</h1>
        {oidcError && (
          <Alert
            severity="error"
            title="Connexion fédérée refusée"
            description={OIDC_ERRORS[oidcError] ?? 'La connexion fédérée a échoué.'}
            className="fr-mb-3w"
          />
        )}
        <ActionAlerts action={action} errorTitle="Connexion impossible" />
        {step === 'password' ? (
          <>
            {oidc && (
              <div className="fr-mb-4w">
                <h2 className="fr-h5">Avec votre identité professionnelle</h2>
                {/* A full page load (not the SPA router): the server redirects to the identity provider. */}
                <a className="fr-btn fr-btn--icon-left fr-icon-account-circle-line" href="/api/auth/oidc/login">
                  {`Se connecter avec ${oidc.label}`}
                </a>
                <hr className="fr-mt-4w" />
              </div>
            )}
            <form onSubmit={submitPassword} aria-label="Connexion par mot de passe">
              <fieldset className="fr-fieldset">
                <legend className="fr-fieldset__legend">Avec votre adresse électronique et votre mot de passe</legend>
                <div className="fr-fieldset__element">
                  <TextField
                    label="Adresse électronique"
                    type="email"
                    name="email"
                    autoComplete="username"
                    required
                    value={email}
                    onChange={setEmail}
                  />
                </div>
                <div className="fr-fieldset__element">
                  <PasswordField
                    label="Mot de passe"
                    name="password"
                    autoComplete="current-password"
                    value={password}
                    onChange={setPassword}
                  />
                </div>
              </fieldset>
              <Button type="submit" disabled={busy}>
                Se connecter
              </Button>
              <p className="fr-mt-3w">
                <Link to="/reinitialisation" className="fr-link">
                  Mot de passe oublié ?
                </Link>
              </p>
            </form>
          </>
        ) : (
          <form onSubmit={submitCode} aria-label="Vérification en deux étapes">
            <fieldset className="fr-fieldset">
              <legend className="fr-fieldset__legend">Vérification en deux étapes</legend>
              <div className="fr-fieldset__element">
                <TextField
                  label="Code de vérification"
                  hintText="Le code à 6 chiffres de votre application d’authentification, ou un de vos codes de secours."
                  name="code"
                  autoComplete="one-time-code"
                  inputMode="text"
                  required
                  maxLength={20}
                  value={code}
                  onChange={setCode}
                />
              </div>
            </fieldset>
            <Button type="submit" disabled={busy}>
              Vérifier
            </Button>
          </form>
        )}
      </div>
    </div>
  );
}
