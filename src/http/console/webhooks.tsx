/**
 * Webhooks (docs/webhooks.md): the account's endpoints with their status (healthy, retrying
 * since …, disabled and why), adding one (its signing secret shown once, like a new token),
 * rotating the secret, disabling and re-enabling, deleting, sending a test event, and each
 * endpoint's delivery log with redelivery. Everything goes through the admin API's routes.
 */
import { EVENT_TYPES } from '../../directory/events.ts';
import type { ApiProblem } from '../api/problem-response.ts';
import type { WebhookDeliveryList, WebhookDeliveryView, WebhookEndpointView } from './api-types.ts';
import { Badge, type Tone } from './components/badge.tsx';
import { CopyField } from './components/copy-field.tsx';
import { CsrfField } from './components/csrf-field.tsx';
import { EmptyState } from './components/empty-state.tsx';
import { Notice } from './components/notice.tsx';
import { PostButton } from './components/post-button.tsx';
import { ProblemNotice } from './components/problem-notice.tsx';
import { TableScroll } from './components/table-scroll.tsx';
import { Time } from './components/time.tsx';
import { type ConsoleContext, type ConsoleDeps, field, param } from './console-env.ts';
import type { ConsoleRoutes } from './console-router.tsx';
import { renderPage } from './layout.tsx';

const OVERLAPS: readonly (readonly [number, string])[] = [
  [0, 'No overlap: the old secret stops now'],
  [1, '1 hour'],
  [24, '24 hours (default)'],
  [168, '7 days'],
];

function Status({ endpoint }: { endpoint: WebhookEndpointView }) {
  const [tone, words]: [Tone, string] =
    endpoint.status === 'disabled'
      ? ['bad', 'Disabled']
      : endpoint.status === 'retrying'
        ? ['warn', 'Retrying']
        : ['ok', 'Healthy'];
  return (
    <>
      <Badge tone={tone}>{words}</Badge>
      {endpoint.status === 'retrying' ? (
        <span class="small">
          {' '}
          since <Time iso={endpoint.failingSince} /> ({endpoint.attempts} failed, last{' '}
          {endpoint.lastError}; next try <Time iso={endpoint.nextAttemptAt} />)
        </span>
      ) : null}
      {endpoint.status === 'disabled' ? (
        <span class="small"> {endpoint.disabledReason}</span>
      ) : null}
    </>
  );
}

const typesText = (endpoint: WebhookEndpointView) =>
  endpoint.eventTypes.length === 0 ? 'All events' : endpoint.eventTypes.join(', ');

function Result({ delivery }: { delivery: WebhookDeliveryView }) {
  return delivery.success ? (
    <Badge tone="ok">{`${delivery.statusCode}`}</Badge>
  ) : (
    <Badge tone="bad">
      {delivery.statusCode !== null ? `HTTP ${delivery.statusCode}` : (delivery.error ?? 'failed')}
    </Badge>
  );
}

async function listPage(c: ConsoleContext, deps: ConsoleDeps, problem?: ApiProblem) {
  const endpoints = await deps.api.get<{ items: WebhookEndpointView[] }>(c, 'listWebhooks');
  const csrf = c.get('csrf');
  return renderPage(
    c,
    deps,
    {
      title: 'Webhooks',
      nav: '/webhooks',
      children: (
        <>
          <h1>Webhooks</h1>
          <p class="lede">
            Roster sends each change of this account's directory to your app's endpoints, signed
            (Standard Webhooks), in order per endpoint, and retries for up to 3 days.
          </p>
          {problem ? <ProblemNotice problem={problem} /> : null}
          {endpoints.items.length === 0 ? (
            <EmptyState title="No endpoints yet">
              <p>Add the URL of your app that receives events below.</p>
            </EmptyState>
          ) : (
            <TableScroll label="Webhook endpoints">
              <table>
                <thead>
                  <tr>
                    <th scope="col">Endpoint</th>
                    <th scope="col">Events</th>
                    <th scope="col">Status</th>
                    <th scope="col">Delivered up to</th>
                  </tr>
                </thead>
                <tbody>
                  {endpoints.items.map((endpoint) => (
                    <tr>
                      <td>
                        <a href={`/webhooks/${encodeURIComponent(endpoint.id)}`}>
                          <code>{endpoint.url}</code>
                        </a>
                        {endpoint.description ? (
                          <div class="small muted">{endpoint.description}</div>
                        ) : null}
                      </td>
                      <td class="small">{typesText(endpoint)}</td>
                      <td>
                        <Status endpoint={endpoint} />
                      </td>
                      <td>event {endpoint.cursor}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          <h2>Add an endpoint</h2>
          <form method="post" action="/webhooks">
            <CsrfField token={csrf} />
            <label>
              URL
              <input
                name="url"
                type="url"
                required
                placeholder="https://app.example.com/webhooks/roster"
                aria-describedby="url-hint"
              />
              <small id="url-hint">
                https is strongly advised: an http URL sends your users' data unencrypted.
              </small>
            </label>
            <label>
              Description
              <input name="description" type="text" placeholder="What receives the events" />
            </label>
            <fieldset>
              <legend>Events (none checked: all of them)</legend>
              {EVENT_TYPES.map((type) => (
                <label>
                  <input type="checkbox" name="eventTypes" value={type} /> <code>{type}</code>
                </label>
              ))}
            </fieldset>
            <button type="submit">Add the endpoint</button>
          </form>
        </>
      ),
    },
    problem ? (problem.status as 400) : 200,
  );
}

async function endpointPage(
  c: ConsoleContext,
  deps: ConsoleDeps,
  id: string,
  extra: { problem?: ApiProblem; attempt?: WebhookDeliveryView } = {},
) {
  const endpoint = await deps.api.get<WebhookEndpointView>(c, 'getWebhook', {
    params: { webhookId: id },
  });
  const before = c.req.query('before');
  const log = await deps.api.get<WebhookDeliveryList>(c, 'listWebhookDeliveries', {
    params: { webhookId: id },
    query: { limit: '50', ...(before ? { before } : {}) },
  });
  const csrf = c.get('csrf');
  const base = `/webhooks/${encodeURIComponent(endpoint.id)}`;
  return renderPage(
    c,
    deps,
    {
      title: `Webhook ${endpoint.url}`,
      nav: '/webhooks',
      children: (
        <>
          <p>
            <a href="/webhooks">Webhooks</a>
          </p>
          <h1>
            <code>{endpoint.url}</code>
          </h1>
          {extra.problem ? <ProblemNotice problem={extra.problem} /> : null}
          {extra.attempt ? (
            <Notice tone={extra.attempt.success ? 'ok' : 'bad'}>
              <p>
                {extra.attempt.trigger === 'test' ? 'The test event' : 'The redelivery'}{' '}
                {extra.attempt.success
                  ? `was answered ${extra.attempt.statusCode}`
                  : `failed: ${extra.attempt.statusCode !== null ? `HTTP ${extra.attempt.statusCode}` : extra.attempt.error}`}{' '}
                in {extra.attempt.latencyMs} ms.
              </p>
            </Notice>
          ) : null}
          <dl>
            <dt>Status</dt>
            <dd>
              <Status endpoint={endpoint} />
            </dd>
            <dt>Events</dt>
            <dd>{typesText(endpoint)}</dd>
            <dt>Description</dt>
            <dd>{endpoint.description ?? <span class="muted">none</span>}</dd>
            <dt>Delivered up to</dt>
            <dd>event {endpoint.cursor} of the account's feed</dd>
            {endpoint.previousSecretExpiresAt ? (
              <>
                <dt>Previous secret</dt>
                <dd>
                  also signs until <Time iso={endpoint.previousSecretExpiresAt} />
                </dd>
              </>
            ) : null}
          </dl>
          <div class="actions">
            <PostButton action={`${base}/test`} csrf={csrf} label="Send a test event" />
            {endpoint.enabled ? (
              <PostButton
                action={`${base}/disable`}
                csrf={csrf}
                label="Disable"
                variant="secondary"
                confirm="Disable this endpoint? Events wait at its cursor until it is enabled again."
              />
            ) : (
              <PostButton action={`${base}/enable`} csrf={csrf} label="Enable" />
            )}
            <PostButton
              action={`${base}/delete`}
              csrf={csrf}
              label="Delete"
              variant="secondary"
              confirm="Delete this endpoint and its delivery log? It receives no more events."
            />
          </div>
          <h2>Rotate the secret</h2>
          <form method="post" action={`${base}/rotate-secret`}>
            <CsrfField token={csrf} />
            <label>
              The old secret keeps signing for
              <select name="overlapHours">
                {OVERLAPS.map(([hours, label]) => (
                  <option value={String(hours)} selected={hours === 24}>
                    {label}
                  </option>
                ))}
              </select>
            </label>
            <button type="submit" class="secondary">
              Rotate the secret
            </button>
          </form>
          <h2>Deliveries</h2>
          {log.items.length === 0 ? (
            <EmptyState title="No deliveries yet">
              <p>Send a test event, or wait for the next change of the directory.</p>
            </EmptyState>
          ) : (
            <TableScroll label="Deliveries">
              <table>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Event</th>
                    <th scope="col">Trigger</th>
                    <th scope="col">Result</th>
                    <th scope="col">Time</th>
                    <th scope="col">Response</th>
                    <th scope="col">Redeliver</th>
                  </tr>
                </thead>
                <tbody>
                  {log.items.map((delivery) => (
                    <tr>
                      <td>
                        <Time iso={delivery.deliveredAt} />
                      </td>
                      <td>
                        <code>{delivery.eventType}</code>
                        <div class="small muted">
                          {delivery.eventSequence !== null ? `#${delivery.eventSequence} ` : ''}
                          {delivery.eventId}
                        </div>
                      </td>
                      <td>
                        {delivery.trigger}
                        {delivery.attempt > 1 ? ` (attempt ${delivery.attempt})` : ''}
                      </td>
                      <td>
                        <Result delivery={delivery} />
                      </td>
                      <td>{delivery.latencyMs} ms</td>
                      <td class="small">
                        {delivery.responseExcerpt ? (
                          <code>{delivery.responseExcerpt.slice(0, 200)}</code>
                        ) : (
                          <span class="muted">none</span>
                        )}
                      </td>
                      <td>
                        {delivery.eventSequence !== null ? (
                          <PostButton
                            action={`${base}/deliveries/${encodeURIComponent(delivery.id)}/redeliver`}
                            csrf={csrf}
                            label="Redeliver"
                            variant="secondary"
                          />
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableScroll>
          )}
          {log.next ? (
            <p>
              <a href={`${base}?before=${encodeURIComponent(log.next)}`}>Older deliveries</a>
            </p>
          ) : null}
        </>
      ),
    },
    extra.problem ? (extra.problem.status as 400) : 200,
  );
}

function SecretPage({
  endpoint,
  rotated,
}: {
  endpoint: WebhookEndpointView & { secret: string };
  rotated: boolean;
}) {
  return (
    <>
      <h1>{rotated ? 'A new signing secret' : 'The endpoint is added'}</h1>
      <Notice tone="warn">
        <p>
          <strong>Copy the signing secret now.</strong> This is the only time it is shown. Your app
          verifies every delivery with it (docs/webhooks.md).
        </p>
      </Notice>
      <div class="token-once">
        <CopyField id="webhook-secret" label="Signing secret" value={endpoint.secret} />
      </div>
      {rotated && endpoint.previousSecretExpiresAt ? (
        <p>
          The previous secret also signs every delivery until{' '}
          <Time iso={endpoint.previousSecretExpiresAt} />.
        </p>
      ) : null}
      <p>
        <a href={`/webhooks/${encodeURIComponent(endpoint.id)}`}>Go to the endpoint</a>
      </p>
    </>
  );
}

export function webhookPages(routes: ConsoleRoutes, deps: ConsoleDeps) {
  routes.get('/webhooks', (c) => listPage(c, deps));
  routes.post('/webhooks', async (c) => {
    const form = c.get('form');
    const description = field(form, 'description');
    const eventTypes = form.getAll('eventTypes').filter((v): v is string => typeof v === 'string');
    const outcome = await deps.api.run(c, 'createWebhook', {
      body: {
        url: field(form, 'url') ?? '',
        ...(description ? { description } : {}),
        eventTypes,
      },
    });
    if (!outcome.ok) return listPage(c, deps, outcome.problem);
    return renderPage(c, deps, {
      title: 'Webhook endpoint added',
      nav: '/webhooks',
      children: (
        <SecretPage
          endpoint={outcome.body as WebhookEndpointView & { secret: string }}
          rotated={false}
        />
      ),
    });
  });
  routes.get('/webhooks/:webhookId', (c) => endpointPage(c, deps, param(c, 'webhookId')));
  routes.post('/webhooks/:webhookId/test', async (c) => {
    const id = param(c, 'webhookId');
    const outcome = await deps.api.run(c, 'testWebhook', { params: { webhookId: id } });
    if (!outcome.ok) return endpointPage(c, deps, id, { problem: outcome.problem });
    return endpointPage(c, deps, id, { attempt: outcome.body as WebhookDeliveryView });
  });
  routes.post('/webhooks/:webhookId/deliveries/:deliveryId/redeliver', async (c) => {
    const id = param(c, 'webhookId');
    const outcome = await deps.api.run(c, 'redeliverWebhookDelivery', {
      params: { webhookId: id, deliveryId: param(c, 'deliveryId') },
    });
    if (!outcome.ok) return endpointPage(c, deps, id, { problem: outcome.problem });
    return endpointPage(c, deps, id, { attempt: outcome.body as WebhookDeliveryView });
  });
  for (const [action, enabled] of [
    ['enable', true],
    ['disable', false],
  ] as const) {
    routes.post(`/webhooks/:webhookId/${action}`, async (c) => {
      const id = param(c, 'webhookId');
      const outcome = await deps.api.run(c, 'updateWebhook', {
        params: { webhookId: id },
        body: { enabled },
      });
      if (!outcome.ok) return endpointPage(c, deps, id, { problem: outcome.problem });
      return c.redirect(
        `/webhooks/${encodeURIComponent(id)}?done=webhook-${enabled ? 'enabled' : 'disabled'}`,
        303,
      );
    });
  }
  routes.post('/webhooks/:webhookId/delete', async (c) => {
    const id = param(c, 'webhookId');
    const outcome = await deps.api.run(c, 'deleteWebhook', { params: { webhookId: id } });
    if (!outcome.ok) return endpointPage(c, deps, id, { problem: outcome.problem });
    return c.redirect('/webhooks?done=webhook-deleted', 303);
  });
  routes.post('/webhooks/:webhookId/rotate-secret', async (c) => {
    const id = param(c, 'webhookId');
    const overlap = field(c.get('form'), 'overlapHours');
    const outcome = await deps.api.run(c, 'rotateWebhookSecret', {
      params: { webhookId: id },
      body: overlap !== undefined ? { overlapHours: Number(overlap) } : {},
    });
    if (!outcome.ok) return endpointPage(c, deps, id, { problem: outcome.problem });
    return renderPage(c, deps, {
      title: 'New webhook secret',
      nav: '/webhooks',
      children: (
        <SecretPage
          endpoint={outcome.body as WebhookEndpointView & { secret: string }}
          rotated={true}
        />
      ),
    });
  });
}
