/**
 * Seat pools: seats purchased and assigned per seat type (seats pricing model). Buying seats is
 * billing: only the operator sets how many were purchased; admins assign them on user pages.
 */
import type { ApiProblem } from '../api/problem-response.ts';
import type { AccountView, Items, SeatPoolView } from './api-types.ts';
import { CsrfField } from './components/csrf-field.tsx';
import { Notice } from './components/notice.tsx';
import { ProblemNotice } from './components/problem-notice.tsx';
import { TableScroll } from './components/table-scroll.tsx';
import { type ConsoleContext, type ConsoleDeps, field, param } from './console-env.ts';
import type { ConsoleRoutes } from './console-router.tsx';
import { renderPage } from './layout.tsx';

const SEATS = ['core', 'sales', 'service', 'view-only'] as const;

async function page(c: ConsoleContext, deps: ConsoleDeps, problem?: ApiProblem) {
  const account = c.get('account') as AccountView;
  const pools = await deps.api.get<Items<SeatPoolView>>(c, 'listSeatPools');
  const operator = c.get('open').caller.kind === 'operator';
  const csrf = c.get('csrf');
  return renderPage(
    c,
    deps,
    {
      title: 'Seat pools',
      nav: '/seat-pools',
      children: (
        <>
          <h1>Seat pools</h1>
          {account.pricingModel === 'classic' ? (
            <Notice>
              <p>
                This account is on the classic pricing model: a user's paid seat comes with their
                permission set (a set may carry one). Pools below matter on the seats model.
              </p>
            </Notice>
          ) : (
            <p class="lede">
              Seats are assigned to users on their pages, here only: an identity provider's role
              never assigns a seat. A full pool refuses the assignment, naming it.
            </p>
          )}
          {problem ? <ProblemNotice problem={problem} /> : null}
          <TableScroll label="Seat pools">
            <table>
              <thead>
                <tr>
                  <th scope="col">Seat type</th>
                  <th scope="col">Purchased</th>
                  <th scope="col">Assigned</th>
                  <th scope="col">Free</th>
                  {operator ? <th scope="col">Set purchased (operator)</th> : null}
                </tr>
              </thead>
              <tbody>
                {SEATS.map((type) => {
                  const pool = pools.items.find((p) => p.seatType === type);
                  return (
                    <tr>
                      <td>{type}</td>
                      <td>{pool?.purchased ?? 0}</td>
                      <td>{pool?.assigned ?? 0}</td>
                      <td>{pool?.available ?? 0}</td>
                      {operator ? (
                        <td>
                          <form method="post" action={`/seat-pools/${type}`} class="actions">
                            <CsrfField token={csrf} />
                            <input
                              type="number"
                              name="purchased"
                              min={0}
                              value={String(pool?.purchased ?? 0)}
                              aria-label={`${type} seats purchased`}
                            />
                            <button type="submit" class="secondary">
                              Save
                            </button>
                          </form>
                        </td>
                      ) : null}
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableScroll>
          {operator ? null : (
            <p class="small muted">
              To buy seats, ask the operator of this Roster: purchased seats are billing.
            </p>
          )}
        </>
      ),
    },
    problem ? (problem.status as 400) : 200,
  );
}

export function seatPoolPages(routes: ConsoleRoutes, deps: ConsoleDeps) {
  routes.get('/seat-pools', (c) => page(c, deps));
  routes.post('/seat-pools/:seatType', async (c) => {
    const purchased = Number(field(c.get('form'), 'purchased') ?? 'NaN');
    const outcome = await deps.api.run(c, 'setSeatPool', {
      params: { seatType: param(c, 'seatType') },
      body: { purchased },
    });
    if (!outcome.ok) return page(c, deps, outcome.problem);
    return c.redirect('/seat-pools?done=seats-set', 303);
  });
}
