import { Badge } from '@codegouvfr/react-dsfr/Badge';
import { Button } from '@codegouvfr/react-dsfr/Button';
import { Select } from '@codegouvfr/react-dsfr/Select';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { api } from '../api.js';
import { ColumnTable } from '../components/ColumnTable.js';
import { TextField } from '../components/Fields.js';
import { Loading } from '../components/Loading.js';
import { NodeBreadcrumb, useNodeId } from '../components/NodeScope.js';
import { PageError } from '../components/PageError.js';
import { ActionAlerts, useAction } from '../components/useAction.js';
import { useLoad } from '../components/useLoad.js';
import { ROLE_LABELS, rolesGrantableOn } from '../labels.js';
import type { OrganisationDetail, Role, UserAccount } from '../types.js';
import { AccessDeniedPage } from './AccessDenied.js';

/** Accounts holding a role in a node's subtree; create accounts, grant and revoke roles. */
export function UsersPage() {
  const scope = useNodeId('comptes');
  if ('redirect' in scope) return scope.redirect;
  if ('invalid' in scope) return <AccessDeniedPage reason="not_found" />;
  return <UsersOfNode id={scope.id} />;
}

function UsersOfNode({ id }: { id: number }) {
  const node = useLoad(() => api.get<OrganisationDetail>(`/organisations/${id}`), [id]);
  const users = useLoad(() => api.get<{ items: UserAccount[] }>(`/organisations/${id}/users`), [id]);
  const action = useAction();

  const failure = users.error ?? node.error;
  if (failure) return <PageError error={failure} />;
  if (!node.data || !users.data) return <Loading />;

  const revoke = (grantId: number, label: string) =>
    action.run(async () => {
      await api.delete(`/grants/${grantId}`);
      users.reload();
      return `Rôle retiré : ${label}`;
    });

  const o = node.data;
  return (
    <>
      <NodeBreadcrumb node={o} page="Comptes et rôles" />
      <h1>Comptes et rôles</h1>
      <p className="fr-text--lead">
        Périmètre : <Link to={`/organisations/${o.id}`}>{o.name}</Link> et ses sous-niveaux.
      </p>
      <ActionAlerts action={action} errorTitle="Action refusée" />
      {users.data.items.length === 0 ? (
        <p>Aucun compte n’a de rôle dans ce périmètre.</p>
      ) : (
        <ColumnTable
          caption={`${users.data.items.length} compte(s)`}
          testId="users"
          headers={['Nom', 'Adresse électronique', 'Sécurité', 'Rôles dans ce périmètre']}
        >
          {users.data.items.map((u) => (
            <tr key={u.id}>
              <td>{u.displayName}</td>
              <td>{u.email}</td>
              <td>
                {u.disabled ? (
                  <Badge small severity="error">
                    Désactivé
                  </Badge>
                ) : u.totpEnabled ? (
                  <Badge small severity="success">
                    Double authentification
                  </Badge>
                ) : (
                  <Badge small severity="warning">
                    Mot de passe seul
                  </Badge>
                )}
              </td>
              <td>
                <ul className="fr-raw-list">
                  {u.grants.map((g) => (
                    <li key={g.id} className="fr-mb-1v">
                      {g.roleLabel} — <Link to={`/organisations/${g.organisationId}`}>{g.organisationName}</Link>
                      {g.detailedFindings && ' (constats détaillés)'}{' '}
                      <Button
                        size="small"
                        priority="tertiary no outline"
                        iconId="fr-icon-delete-line"
                        title={`Retirer le rôle ${g.roleLabel} de ${u.displayName}`}
                        onClick={() => void revoke(g.id, `${g.roleLabel} (${u.displayName})`)}
                      >
                        Retirer
                      </Button>
                    </li>
                  ))}
                </ul>
              </td>
            </tr>
          ))}
        </ColumnTable>
      )}
      <div className="fr-grid-row fr-grid-row--gutters fr-mt-4w">
        <div className="fr-col-12 fr-col-lg-6">
          <CreateUserForm node={o} onCreated={users.reload} />
        </div>
        <div className="fr-col-12 fr-col-lg-6">
          <GrantForm node={o} users={users.data.items} onGranted={users.reload} />
        </div>
      </div>
    </>
  );
}

function RoleSelect({ node, value, onChange }: { node: OrganisationDetail; value: Role; onChange: (r: Role) => void }) {
  return (
    <Select
      label="Rôle"
      hint={`Rôles attribuables sur « ${node.name} ».`}
      nativeSelectProps={{ name: 'role', value, onChange: (e) => onChange(e.target.value as Role) }}
    >
      {rolesGrantableOn(node.kind).map((r) => (
        <option key={r} value={r}>
          {ROLE_LABELS[r]}
        </option>
      ))}
    </Select>
  );
}

function CreateUserForm({ node, onCreated }: { node: OrganisationDetail; onCreated: () => void }) {
  const roles = rolesGrantableOn(node.kind);
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>(roles[0] ?? 'auditor');
  const action = useAction();

  const submit = action.submit(async () => {
    const body: Record<string, unknown> = {
      email: email.trim(),
      displayName: displayName.trim(),
      role,
      organisationId: node.id,
    };
    if (password) body.password = password;
    const created = await api.post<{ id: number; invitationSent: boolean }>('/users', body);
    setEmail('');
    setDisplayName('');
    setPassword('');
    onCreated();
    return created.invitationSent
      ? `Compte créé ; une invitation a été envoyée à ${email.trim()}.`
      : `Compte créé pour ${email.trim()}.`;
  });

  return (
    <form onSubmit={submit} aria-label="Créer un compte">
      <h2 className="fr-h4">Créer un compte</h2>
      <ActionAlerts action={action} errorTitle="Création refusée" />
      <TextField
        label="Adresse électronique"
        type="email"
        name="email"
        required
        maxLength={254}
        value={email}
        onChange={setEmail}
      />
      <TextField
        label="Nom affiché"
        name="displayName"
        required
        maxLength={200}
        value={displayName}
        onChange={setDisplayName}
      />
      <TextField
        label="Mot de passe initial (facultatif)"
        hintText="Laissé vide, la personne reçoit une invitation pour choisir son mot de passe."
        type="password"
        name="password"
        autoComplete="new-password"
        maxLength={256}
        value={password}
        onChange={setPassword}
      />
      <RoleSelect node={node} value={role} onChange={setRole} />
      <Button type="submit" disabled={action.busy || roles.length === 0}>
        Créer le compte
      </Button>
    </form>
  );
}

function GrantForm({
  node,
  users,
  onGranted,
}: {
  node: OrganisationDetail;
  users: UserAccount[];
  onGranted: () => void;
}) {
  const roles = rolesGrantableOn(node.kind);
  const [userId, setUserId] = useState<number | ''>('');
  const [role, setRole] = useState<Role>(roles[0] ?? 'auditor');
  const action = useAction();

  const submit = action.submit(async () => {
    if (userId === '') return null;
    await api.post(`/users/${userId}/grants`, { role, organisationId: node.id });
    onGranted();
    return `Rôle attribué : ${ROLE_LABELS[role]} sur « ${node.name} ».`;
  });

  return (
    <form onSubmit={submit} aria-label="Attribuer un rôle">
      <h2 className="fr-h4">Attribuer un rôle sur ce nœud</h2>
      <ActionAlerts action={action} errorTitle="Attribution refusée" />
      <Select
        label="Compte"
        nativeSelectProps={{
          name: 'user',
          required: true,
          value: userId === '' ? '' : String(userId),
          onChange: (e) => setUserId(e.target.value ? Number(e.target.value) : ''),
        }}
      >
        <option value="">Choisir un compte</option>
        {users.map((u) => (
          <option key={u.id} value={u.id}>
            {u.displayName} ({u.email})
          </option>
        ))}
      </Select>
      <RoleSelect node={node} value={role} onChange={setRole} />
      <Button type="submit" disabled={action.busy || userId === '' || roles.length === 0}>
        Attribuer
      </Button>
    </form>
  );
}
