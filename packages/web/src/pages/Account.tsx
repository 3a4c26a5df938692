import { Alert } from '@codegouvfr/react-dsfr/Alert';
import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { Table } from '@codegouvfr/react-dsfr/Table';
import { useState } from 'react';
import { api } from '../api.js';
import { useAuth } from '../auth.js';
import { ErrorAlert, SuccessAlert } from '../components/ErrorAlert.js';
import { NewPasswordFields, PasswordField, TextField } from '../components/Fields.js';
import { Loading } from '../components/Loading.js';
import { QrCode } from '../components/QrCode.js';
import { ActionAlerts, useAction } from '../components/useAction.js';
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
          <PasswordSection onChanged={refresh} />
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
  const action = useAction();
  const busy = action.busy;

  const start = () =>
    action.run(async () => {
      const setup = await api.post<{ secret: string; otpauthUri: string }>('/auth/totp/setup');
      setStep({ kind: 'setup', ...setup });
      return null;
    });

  const enable = action.submit(async () => {
    const enabled = await api.post<{ recoveryCodes: string[] }>('/auth/totp/enable', { code: code.trim() });
    setStep({ kind: 'codes', recoveryCodes: enabled.recoveryCodes });
    setCode('');
    onChanged();
    return null;
  });

  return (
    <section className="fr-mb-6w" aria-labelledby="double-authentification">
      <h2 id="double-authentification">Double authentification</h2>
      <ActionAlerts action={action} />
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
          <TextField
            label="Code de vérification"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern={'\\d{6}'}
            maxLength={6}
            required
            value={code}
            onChange={setCode}
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
  const action = useAction();
  const organisationName = (id: number) => me.grants.find((g) => g.organisationId === id)?.organisationName ?? `#${id}`;

  const revoke = (token: ApiToken) =>
    action.run(async () => {
      await api.delete(`/tokens/${token.id}`);
      tokens.reload();
      return `Jeton « ${token.name} » révoqué`;
    });

  return (
    <section aria-labelledby="jetons">
      <h2 id="jetons">Jetons d’API</h2>
      <p>
        Pour la commande <code>rempart</code> et les intégrations : un jeton agit avec un seul rôle, sur un seul nœud,
        et expire.
      </p>
      <ErrorAlert error={action.error ?? tokens.error} />
      <SuccessAlert message={action.done} />
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
  const action = useAction<{ token: string; expiresAt: string }>();
  const issued = action.done;

  if (me.grants.length === 0) return null;

  const submit = action.submit(async () => {
    const chosen = me.grants[Number(grant)];
    if (!chosen) return null;
    const answer = await api.post<{ id: number; token: string; expiresAt: string }>('/tokens', {
      name: name.trim(),
      organisationId: chosen.organisationId,
      role: chosen.role,
      expiresInDays: Number(days),
    });
    setName('');
    onCreated();
    return answer;
  });

  return (
    <form onSubmit={submit} className="fr-mt-4w" aria-label="Créer un jeton">
      <h3 className="fr-h5">Créer un jeton</h3>
      <ErrorAlert error={action.error} title="Création refusée" />
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
      <TextField
        label="Nom du jeton"
        hintText="Par exemple : collecte AD du CH de Villefranche."
        name="name"
        required
        maxLength={100}
        value={name}
        onChange={setName}
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
      <TextField
        label="Durée de validité (jours)"
        name="days"
        type="number"
        min={1}
        max={365}
        required
        value={days}
        onChange={setDays}
      />
      <Button type="submit" disabled={action.busy}>
        Créer le jeton
      </Button>
    </form>
  );
}

/** Turning the second factor off asks for the password again. */
function DisableTotpForm({ onChanged }: { onChanged: () => void }) {
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const action = useAction();

  const submit = action.submit(async () => {
    await api.post('/auth/totp/disable', { password });
    setPassword('');
    setOpen(false);
    onChanged();
    return null;
  });

  if (!open) {
    return (
      <Button priority="secondary" size="small" onClick={() => setOpen(true)}>
        Désactiver la double authentification
      </Button>
    );
  }
  return (
    <form onSubmit={submit} aria-label="Désactiver la double authentification">
      <ActionAlerts action={action} errorTitle="Désactivation refusée" />
      <PasswordField
        label="Mot de passe actuel"
        name="password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
      />
      <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
        <li>
          <Button type="submit" disabled={action.busy}>
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
function PasswordSection({ onChanged }: { onChanged: () => Promise<unknown> }) {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const action = useAction();

  const submit = action.submit(async () => {
    if (next !== again) throw new Error('les deux nouveaux mots de passe diffèrent');
    await api.post('/auth/password', { currentPassword: current, newPassword: next });
    setCurrent('');
    setNext('');
    setAgain('');
    // The renewed session has a new CSRF token: /auth/me hands it over. Wait for it before saying it is done, or a
    // write made as soon as the success shows still carries the old token and is refused.
    await onChanged();
    return 'Mot de passe changé ; vos autres sessions ont été fermées.';
  });

  return (
    <section className="fr-mb-6w" aria-labelledby="mot-de-passe">
      <h2 id="mot-de-passe">Mot de passe</h2>
      <form onSubmit={submit} aria-label="Changer de mot de passe">
        <ActionAlerts action={action} errorTitle="Changement refusé" />
        <PasswordField
          label="Mot de passe actuel"
          name="current-password"
          autoComplete="current-password"
          value={current}
          onChange={setCurrent}
        />
        <NewPasswordFields
          names={['new-password', 'new-password-again']}
          value={next}
          again={again}
          onChange={setNext}
          onAgainChange={setAgain}
        />
        <Button type="submit" priority="secondary" disabled={action.busy}>
          Changer de mot de passe
        </Button>
      </form>
    </section>
  );
}
