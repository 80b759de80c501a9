/** Teams: the app assigns them (an identity provider never does); create, rename, delete. */
import type { ApiProblem } from '../api/problem-response.ts';
import type { Items, TeamView } from './api-types.ts';
import { CsrfField } from './components/csrf-field.tsx';
import { EmptyState } from './components/empty-state.tsx';
import { PostButton } from './components/post-button.tsx';
import { ProblemNotice } from './components/problem-notice.tsx';
import { TableScroll } from './components/table-scroll.tsx';
import { type ConsoleContext, type ConsoleDeps, field, param } from './console-env.ts';
import type { ConsoleRoutes } from './console-router.tsx';
import { renderPage } from './layout.tsx';

async function page(c: ConsoleContext, deps: ConsoleDeps, problem?: ApiProblem) {
  const teams = await deps.api.get<Items<TeamView>>(c, 'listTeams');
  const csrf = c.get('csrf');
  return renderPage(
    c,
    deps,
    {
      title: 'Teams',
      nav: '/teams',
      children: (
        <>
          <h1>Teams</h1>
          <p class="lede">
            Teams are assigned here only: your identity provider cannot assign them, even to the
            users it provisions. Put users in teams from each user's page.
          </p>
          {problem ? <ProblemNotice problem={problem} /> : null}
          {teams.items.length === 0 ? (
            <EmptyState title="No teams yet">
              <p>Create a team below, then add users to it from their pages.</p>
            </EmptyState>
          ) : (
            <TableScroll label="Teams">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Team</th>
                    <th scope="col">Members</th>
                    <th scope="col">Rename</th>
                    <th scope="col">Delete</th>
                  </tr>
                </thead>
                <tbody>
                  {teams.items.map((team) => (
                    <tr>
                      <td>{team.name}</td>
                      <td>
                        <a href={`/users?teamId=${encodeURIComponent(team.id)}`}>
                          {team.memberCount}
                        </a>
                      </td>
                      <td>
                        <form
                          method="post"
                          action={`/teams/${encodeURIComponent(team.id)}`}
                          class="actions"
                        >
                          <CsrfField token={csrf} />
                          <input
                            name="name"
                            value={team.name}
                            required
                            aria-label={`New name for ${team.name}`}
                          />
                          <button type="submit" class="secondary">
                            Rename
                          </button>
                        </form>
                      </td>
                      <td>
                        <PostButton
                          action={`/teams/${encodeURIComponent(team.id)}/delete`}
                          csrf={csrf}
                          label="Delete"
                          variant="secondary"
                          confirm={`Delete the team ${team.name}? Its members stay, without this team.`}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          <h2>New team</h2>
          <form method="post" action="/teams" class="actions">
            <CsrfField token={csrf} />
            <input name="name" required placeholder="Sales EMEA" aria-label="Team name" />
            <button type="submit">Create</button>
          </form>
        </>
      ),
    },
    problem ? (problem.status as 400) : 200,
  );
}

export function teamPages(routes: ConsoleRoutes, deps: ConsoleDeps) {
  const { api } = deps;
  routes.get('/teams', (c) => page(c, deps));
  routes.post('/teams', async (c) => {
    const outcome = await api.run(c, 'createTeam', {
      body: { name: field(c.get('form'), 'name') ?? '' },
    });
    if (!outcome.ok) return page(c, deps, outcome.problem);
    return c.redirect('/teams?done=team-created', 303);
  });
  routes.post('/teams/:id', async (c) => {
    const outcome = await api.run(c, 'renameTeam', {
      params: { teamId: param(c, 'id') },
      body: { name: field(c.get('form'), 'name') ?? '' },
    });
    if (!outcome.ok) return page(c, deps, outcome.problem);
    return c.redirect('/teams?done=team-renamed', 303);
  });
  routes.post('/teams/:id/delete', async (c) => {
    const outcome = await api.run(c, 'deleteTeam', { params: { teamId: param(c, 'id') } });
    if (!outcome.ok) return page(c, deps, outcome.problem);
    return c.redirect('/teams?done=team-deleted', 303);
  });
}
