import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { type FormEvent, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../api.js';
import { ErrorAlert } from '../components/ErrorAlert.js';

/** Password reset: ask for a link by e-mail, or (with ?jeton=) choose the new password. */
export function PasswordResetPage() {
  const [params] = useSearchParams();
  const token = params.get('jeton');
  return (
    <div className="fr-grid-row fr-grid-row--center">
      <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
        <h1>Réinitialisation du mot de passe</h1>
        {token ? <ConfirmReset token={token} /> : <RequestReset />}
      </div>
    </div>
  );
}

function RequestReset() {
  const [email, setEmail] = useState('');
  const [sent, setSent] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post('/auth/password-reset', { email: email.trim() });
      setSent(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  if (sent) {
    return (
      <Alert
        severity="info"
        title="Demande enregistrée"
        description="Si un compte actif correspond à cette adresse, un lien de réinitialisation valable 30 minutes vient d’y être envoyé."
      />
    );
  }
  return (
    <form onSubmit={submit}>
      <ErrorAlert error={error} />
      <Input
        label="Adresse électronique du compte"
        nativeInputProps={{
          type: 'email',
          name: 'email',
          autoComplete: 'username',
          required: true,
          value: email,
          onChange: (e) => setEmail(e.target.value),
        }}
      />
      <Button type="submit" disabled={busy}>
        Recevoir un lien de réinitialisation
      </Button>
      <p className="fr-mt-3w">
        <Link to="/connexion" className="fr-link">
          Revenir à la connexion
        </Link>
      </p>
    </form>
  );
}

function ConfirmReset({ token }: { token: string }) {
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = again.length > 0 && again !== password;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (password !== again) {
      setError(new Error('les deux mots de passe diffèrent'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.post('/auth/password-reset/confirm', { token, password });
      setDone(true);
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  }

  if (done) {
    return (
      <>
        <Alert
          severity="success"
          title="Mot de passe modifié"
          description="Vos sessions ouvertes ont été fermées. Connectez-vous avec votre nouveau mot de passe."
          className="fr-mb-3w"
        />
        <Button linkProps={{ to: '/connexion' }}>Se connecter</Button>
      </>
    );
  }
  return (
    <form onSubmit={submit}>
      <ErrorAlert error={error} />
      <Input
        label="Nouveau mot de passe"
        hintText="12 caractères au moins."
        nativeInputProps={{
          type: 'password',
          name: 'password',
          autoComplete: 'new-password',
          required: true,
          value: password,
          onChange: (e) => setPassword(e.target.value),
        }}
      />
      <Input
        label="Confirmation du nouveau mot de passe"
        state={mismatch ? 'error' : 'default'}
        stateRelatedMessage={mismatch ? 'Les deux mots de passe diffèrent.' : undefined}
        nativeInputProps={{
          type: 'password',
          name: 'password-again',
          autoComplete: 'new-password',
          required: true,
          value: again,
          onChange: (e) => setAgain(e.target.value),
        }}
      />
      <Button type="submit" disabled={busy}>
        Enregistrer le nouveau mot de passe
      </Button>
    </form>
  );
}
