import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Input } from '@codegouvfr/react-dsfr/Input';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { type FormEvent, useState } from 'react';
import { api } from '../api.js';
import { useAuth } from '../auth.js';
import { ErrorAlert, SuccessAlert } from '../components/ErrorAlert.js';
import { Loading } from '../components/Loading.js';
import { QrCode } from '../components/QrCode.js';
import { useLoad } from '../components/useLoad.js';
import { formatDate, formatDateTime, ROLE_LABELS } from '../labels.js';
import type { ApiToken, Me } from '../types.js';

/** The signed-in account: second factor (TOTP and recovery codes) and API tokens. */
export function AccountPage() {
  const { me, refresh } = useAuth();
  if (!me) return null;
  return (
    <>
      <h1>Mon compte</h1>
      <dl className="fr-mb-4w" style={{ display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '0.25rem 1rem' }}>
        <dt>Nom</dt>
        <dd>{me.displayName}</dd>
        <dt>Adresse électronique</dt>
        <dd>{me.email}</dd>
      </dl>
      <div className="fr-grid-row">
        <div className="fr-col-12 fr-col-lg-9">
          <TotpSection me={me} onChanged={() => void refresh()} />
          <PasswordSection onChanged={() => void refresh()} />
          <TokensSection me={me} />
        </div>
      </div>
    </>
  );
}

type TotpStep =
  | { kind: 'idle' }
  | { kind: 'setup'; secret: string; otpauthUri: string }
  | { kind: 'codes'; recoveryCodes: string[] };

function TotpSection({ me, onChanged }: { me: Me; onChanged: () => void }) {
  const [step, setStep] = useState<TotpStep>({ kind: 'idle' });
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function start() {
    setBusy(true);
    setError(null);
    try {
      const setup = await api.post<{ secret: string; otpauthUri: string }>('/auth/totp/setup');
      setStep({ kind: 'setup', ...setup });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  async function enable(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const enabled = await api.post<{ recoveryCodes: string[] }>('/auth/totp/enable', { code: code.trim() });
      setStep({ kind: 'codes', recoveryCodes: enabled.recoveryCodes });
      setCode('');
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="fr-mb-6w" aria-labelledby="double-authentification">
      <h2 id="double-authentification">Double authentification</h2>
      <ErrorAlert error={error} />
      {step.kind === 'codes' ? (
        <>
          <Alert
            severity="success"
            title="Double authentification activée"
            description="Conservez ces codes de secours en lieu sûr : chacun permet une seule connexion si vous n’avez plus accès à votre application. Ils ne seront plus affichés."
            className="fr-mb-3w"
          />
          <ul className="fr-raw-list" data-testid="recovery-codes" style={{ fontFamily: 'monospace', columns: 2 }}>
            {step.recoveryCodes.map((c) => (
              <li key={c}>{c}</li>
            ))}
          </ul>
        </>
      ) : me.totpEnabled ? (
        <>
          <p>
            <Badge severity="success">Activée</Badge> Un code de votre application d’authentification vous est demandé à
            chaque connexion.
          </p>
          <DisableTotpForm onChanged={onChanged} />
        </>
      ) : step.kind === 'idle' ? (
        <>
          <p>
            <Badge severity="warning">Non activée</Badge> Ajoutez un second facteur : un code à 6 chiffres donné par une
            application d’authentification (TOTP).
          </p>
          <Button onClick={() => void start()} disabled={busy}>
            Activer la double authentification
          </Button>
        </>
      ) : (
        <form onSubmit={enable} aria-label="Activer la double authentification">
          <ol>
            <li>
              Dans votre application d’authentification, ajoutez un compte avec cette clé secrète :
              <p className="fr-my-2w">
                <code data-testid="totp-secret" style={{ fontSize: '1.1rem', letterSpacing: '0.1em' }}>
                  {step.secret}
                </code>
              </p>
              ou scannez ce code QR :
              <div className="fr-my-2w">
                <QrCode text={step.otpauthUri} label="Code QR de configuration de l’application d’authentification" />
              </div>
              ou utilisez cette adresse :
              <p className="fr-my-2w" style={{ wordBreak: 'break-all' }}>
                <code data-testid="totp-uri">{step.otpauthUri}</code>
              </p>
            </li>
            <li>Saisissez le code à 6 chiffres qu’elle affiche.</li>
          </ol>
          <Input
            label="Code de vérification"
            nativeInputProps={{
              name: 'code',
              inputMode: 'numeric',
              autoComplete: 'one-time-code',
              pattern: '\\d{6}',
              maxLength: 6,
              required: true,
              value: code,
              onChange: (e) => setCode(e.target.value),
            }}
          />
          <Button type="submit" disabled={busy}>
            Confirmer l’activation
          </Button>
        </form>
      )}
    </section>
  );
}

function TokensSection({ me }: { me: Me }) {
  const tokens = useLoad(() => api.get<{ items: ApiToken[] }>('/tokens'), []);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const organisationName = (id: number) => me.grants.find((g) => g.organisationId === id)?.organisationName ?? `#${id}`;

  async function revoke(token: ApiToken) {
    setError(null);
    setDone(null);
    try {
      await api.delete(`/tokens/${token.id}`);
      setDone(`Jeton « ${token.name} » révoqué`);
      tokens.reload();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section aria-labelledby="jetons">
      <h2 id="jetons">Jetons d’API</h2>
      <p>
        Pour la commande <code>rempart</code> et les intégrations : un jeton agit avec un seul rôle, sur un seul nœud,
        et expire.
      </p>
      <ErrorAlert error={error ?? tokens.error} />
      <SuccessAlert message={done} />
      {!tokens.data ? (
        tokens.error ? null : (
          <Loading />
        )
      ) : tokens.data.items.length === 0 ? (
        <p>Aucun jeton.</p>
      ) : (
        <div data-testid="tokens">
          <Table
            caption="Vos jetons"
            headers={['Nom', 'Préfixe', 'Rôle', 'Organisation', 'Expire le', 'Dernier usage', 'État', '']}
            data={tokens.data.items.map((t) => [
              t.name,
              <code key="p">{t.prefix}</code>,
              ROLE_LABELS[t.role] ?? t.role,
              organisationName(t.organisationId),
              formatDate(t.expiresAt),
              formatDateTime(t.lastUsedAt),
              t.revokedAt ? (
                <Badge key="s" small severity="error">
                  Révoqué
                </Badge>
              ) : new Date(t.expiresAt) < new Date() ? (
                <Badge key="s" small severity="warning">
                  Expiré
                </Badge>
              ) : (
                <Badge key="s" small severity="success">
                  Actif
                </Badge>
              ),
              t.revokedAt ? (
                ''
              ) : (
                <Button key="r" size="small" priority="secondary" onClick={() => void revoke(t)}>
                  Révoquer
                </Button>
              ),
            ])}
          />
        </div>
      )}
      <CreateTokenForm me={me} onCreated={tokens.reload} />
    </section>
  );
}

function CreateTokenForm({ me, onCreated }: { me: Me; onCreated: () => void }) {
  const [name, setName] = useState('');
  const [grant, setGrant] = useState('0');
  const [days, setDays] = useState('90');
  const [issued, setIssued] = useState<{ token: string; expiresAt: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (me.grants.length === 0) return null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const chosen = me.grants[Number(grant)];
    if (!chosen) return;
    setBusy(true);
    setError(null);
    setIssued(null);
    try {
      const answer = await api.post<{ id: number; token: string; expiresAt: string }>('/tokens', {
        name: name.trim(),
        organisationId: chosen.organisationId,
        role: chosen.role,
        expiresInDays: Number(days),
      });
      setIssued(answer);
      setName('');
      onCreated();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="fr-mt-4w" aria-label="Créer un jeton">
      <h3 className="fr-h5">Créer un jeton</h3>
      <ErrorAlert error={error} title="Création refusée" />
      {issued && (
        <Alert
          severity="success"
          title="Jeton créé"
          description={
            <>
              Copiez-le maintenant, il ne sera plus affiché (expire le {formatDate(issued.expiresAt)}) :{' '}
              <code data-testid="new-token" style={{ wordBreak: 'break-all' }}>
                {issued.token}
              </code>
            </>
          }
          className="fr-mb-3w"
        />
      )}
      <Input
        label="Nom du jeton"
        hintText="Par exemple : collecte AD du CH de Villefranche."
        nativeInputProps={{
          name: 'name',
          required: true,
          maxLength: 100,
          value: name,
          onChange: (e) => setName(e.target.value),
        }}
      />
      <Select
        label="Rôle et organisation"
        nativeSelectProps={{ name: 'grant', value: grant, onChange: (e) => setGrant(e.target.value) }}
      >
        {me.grants.map((g, i) => (
          <option key={`${g.role}-${g.organisationId}`} value={String(i)}>
            {g.roleLabel} — {g.organisationName}
          </option>
        ))}
      </Select>
      <Input
        label="Durée de validité (jours)"
        nativeInputProps={{
          name: 'days',
          type: 'number',
          min: 1,
          max: 365,
          required: true,
          value: days,
          onChange: (e) => setDays(e.target.value),
        }}
      />
      <Button type="submit" disabled={busy}>
        Créer le jeton
      </Button>
    </form>
  );
}

/** Turning the second factor off asks for the password again. */
function DisableTotpForm({ onChanged }: { onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post('/auth/totp/disable', { password });
      setPassword('');
      setOpen(false);
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (!open) {
    return (
      <Button priority="secondary" size="small" onClick={() => setOpen(true)}>
        Désactiver la double authentification
      </Button>
    );
  }
  return (
    <form onSubmit={submit} aria-label="Désactiver la double authentification">
      <ErrorAlert error={error} title="Désactivation refusée" />
      <Input
        label="Mot de passe actuel"
        nativeInputProps={{
          type: 'password',
          name: 'password',
          autoComplete: 'current-password',
          required: true,
          value: password,
          onChange: (e) => setPassword(e.target.value),
        }}
      />
      <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
        <li>
          <Button type="submit" disabled={busy}>
            Désactiver
          </Button>
        </li>
        <li>
          <Button type="button" priority="secondary" onClick={() => setOpen(false)}>
            Annuler
          </Button>
        </li>
      </ul>
    </form>
  );
}

/** Changing the password closes every other session; the page's own session is renewed by the server. */
function PasswordSection({ onChanged }: { onChanged: () => void }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const mismatch = again.length > 0 && again !== next;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    if (next !== again) {
      setError(new Error('les deux nouveaux mots de passe diffèrent'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api.post('/auth/password', { currentPassword: current, newPassword: next });
      setCurrent('');
      setNext('');
      setAgain('');
      setDone('Mot de passe changé ; vos autres sessions ont été fermées.');
      // The renewed session has a new CSRF token: /auth/me hands it over.
      onChanged();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="fr-mb-6w" aria-labelledby="mot-de-passe">
      <h2 id="mot-de-passe">Mot de passe</h2>
      <form onSubmit={submit} aria-label="Changer de mot de passe">
        <ErrorAlert error={error} title="Changement refusé" />
        <SuccessAlert message={done} />
        <Input
          label="Mot de passe actuel"
          nativeInputProps={{
            type: 'password',
            name: 'current-password',
            autoComplete: 'current-password',
            required: true,
            value: current,
            onChange: (e) => setCurrent(e.target.value),
          }}
        />
        <Input
          label="Nouveau mot de passe"
          hintText="12 caractères au moins."
          nativeInputProps={{
            type: 'password',
            name: 'new-password',
            autoComplete: 'new-password',
            required: true,
            value: next,
            onChange: (e) => setNext(e.target.value),
          }}
        />
        <Input
          label="Confirmation du nouveau mot de passe"
          state={mismatch ? 'error' : 'default'}
          stateRelatedMessage={mismatch ? 'Les deux mots de passe diffèrent.' : undefined}
          nativeInputProps={{
            type: 'password',
            name: 'new-password-again',
            autoComplete: 'new-password',
            required: true,
            value: again,
            onChange: (e) => setAgain(e.target.value),
          }}
        />
        <Button type="submit" priority="secondary" disabled={busy}>
          Changer de mot de passe
        </Button>
      </form>
    </section>
  );
}
