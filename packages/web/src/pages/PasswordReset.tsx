import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { api } from '../api.js';
import { NewPasswordFields, TextField } from '../components/Fields.js';
import { ActionAlerts, useAction } from '../components/useAction.js';

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
  const action = useAction<true>();

  const submit = action.submit(async () => {
    await api.post('/auth/password-reset', { email: email.trim() });
    return true;
  });

  if (action.done) {
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
      <ActionAlerts action={action} />
      <TextField
        label="Adresse électronique du compte"
        type="email"
        name="email"
        autoComplete="username"
        required
        value={email}
        onChange={setEmail}
      />
      <Button type="submit" disabled={action.busy}>
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
  const action = useAction<true>();

  const submit = action.submit(async () => {
    if (password !== again) throw new Error('les deux mots de passe diffèrent');
    await api.post('/auth/password-reset/confirm', { token, password });
    return true;
  });

  if (action.done) {
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
      <ActionAlerts action={action} />
      <NewPasswordFields
        names={['password', 'password-again']}
        value={password}
        again={again}
        onChange={setPassword}
        onAgainChange={setAgain}
      />
      <Button type="submit" disabled={action.busy}>
        Enregistrer le nouveau mot de passe
      </Button>
    </form>
  );
}
