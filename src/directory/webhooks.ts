/**
 * Webhook endpoints as an account's admins manage them (admin API, CLI, console): create (the
 * secret is shown once), change, enable and disable, rotate the secret with an overlap, delete,
 * read the delivery log, redeliver one event, send a test event. Delivery itself is the engine's
 * (webhook-delivery.ts).
 */
import type { Store } from '../store/store.ts';
import type { Clock } from './clock.ts';
import { didYouMean } from './did-you-mean.ts';
import { assertThat, DirectoryError } from './errors.ts';
import { EVENT_TYPES, isEventType } from './events.ts';
import { newId } from './ids.ts';
import type { WebhookDelivery, WebhookEndpoint } from './model.ts';
import { eventMessage, testMessage, type WebhookEngine } from './webhook-delivery.ts';
import { newWebhookSecret } from './webhook-signature.ts';

/** Endpoints per account: enough for every consumer of an app, few enough to list whole. */
export const MAX_ENDPOINTS = 20;
export const MAX_URL_LENGTH = 2048;
export const DEFAULT_ROTATION_OVERLAP_HOURS = 24;
export const MAX_ROTATION_OVERLAP_HOURS = 24 * 7;

/** An endpoint as shown: everything but the secrets. */
export type WebhookEndpointView = Omit<WebhookEndpoint, 'secret' | 'previousSecret'>;

export function endpointView(endpoint: WebhookEndpoint): WebhookEndpointView {
  const { secret: _secret, previousSecret: _previous, ...view } = endpoint;
  return view;
}

/** `healthy`, `retrying` (failing since `failingSince`) or `disabled`. */
export function endpointStatus(endpoint: WebhookEndpoint): 'healthy' | 'retrying' | 'disabled' {
  if (!endpoint.enabled) return 'disabled';
  return endpoint.failingSince === null ? 'healthy' : 'retrying';
}

/** An absolute http(s) URL without credentials, or the reason it is not. */
export function urlProblem(value: string): string | undefined {
  if (value.length > MAX_URL_LENGTH) return `must be at most ${MAX_URL_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URL, e.g. https://app.example.com/webhooks/roster';
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return `must be an http or https URL; got '${url.protocol.replace(/:$/, '')}'`;
  }
  if (url.username !== '' || url.password !== '') {
    return 'must not carry a user name or password (the signature authenticates Roster)';
  }
  if (url.hash !== '') return 'must not have a #fragment';
  return undefined;
}

/** The reason an event type list is not acceptable, with a suggestion. */
export function eventTypeProblem(types: readonly string[]): string | undefined {
  for (const type of types) {
    if (!isEventType(type)) {
      return `'${type}' is not an event type${didYouMean(type, EVENT_TYPES)}; the types are ${EVENT_TYPES.join(', ')}`;
    }
  }
  return undefined;
}

export interface NewEndpoint {
  readonly url: string;
  readonly description?: string | null | undefined;
  readonly eventTypes?: readonly string[] | undefined;
}

export interface EndpointChanges {
  readonly url?: string | undefined;
  readonly description?: string | null | undefined;
  readonly eventTypes?: readonly string[] | undefined;
  readonly enabled?: boolean | undefined;
}

export function createWebhooks({
  store,
  clock,
  engine,
}: {
  store: Store;
  clock: Clock;
  engine: WebhookEngine;
}) {
  async function get(accountId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = await store.webhooks.findEndpoint(accountId, id);
    assertThat(endpoint, 'webhook.not_found', `no webhook endpoint with id '${id}'`);
    return endpoint;
  }

  function check(url: string | undefined, types: readonly string[] | undefined): void {
    const badUrl = url === undefined ? undefined : urlProblem(url);
    if (badUrl !== undefined) throw new DirectoryError('webhook.invalid_url', `url: ${badUrl}`);
    const badTypes = types === undefined ? undefined : eventTypeProblem(types);
    if (badTypes !== undefined) {
      throw new DirectoryError('webhook.event_type_unknown', `eventTypes: ${badTypes}`);
    }
  }

  return {
    get,
    list: (accountId: string) => store.webhooks.listEndpoints(accountId),

    /** A new endpoint, with its secret (shown this once). It gets events after its creation. */
    async create(accountId: string, input: NewEndpoint): Promise<WebhookEndpoint> {
      check(input.url, input.eventTypes);
      const existing = await store.webhooks.listEndpoints(accountId);
      if (existing.length >= MAX_ENDPOINTS) {
        throw new DirectoryError(
          'webhook.limit_reached',
          `an account has at most ${MAX_ENDPOINTS} webhook endpoints; delete one first`,
        );
      }
      const now = clock.now();
      const endpoint: WebhookEndpoint = {
        id: `whe_${newId()}`,
        accountId,
        url: input.url,
        description: input.description ?? null,
        eventTypes: [...new Set(input.eventTypes ?? [])],
        secret: newWebhookSecret(),
        previousSecret: null,
        previousSecretExpiresAt: null,
        enabled: true,
        disabledAt: null,
        disabledReason: null,
        cursor: await store.events.latestSequence(accountId),
        attempts: 0,
        nextAttemptAt: null,
        failingSince: null,
        lastError: null,
        leaseOwner: null,
        leaseExpiresAt: null,
        createdAt: now,
        updatedAt: now,
      };
      await store.webhooks.insertEndpoint(endpoint);
      engine.watch(accountId);
      return endpoint;
    },

    /**
     * Changes url, description, types or enabled. Re-enabling clears the failure state: the
     * endpoint resumes at its cursor, with the event it was failing on. Disabling by hand
     * says so.
     */
    async update(accountId: string, id: string, input: EndpointChanges): Promise<WebhookEndpoint> {
      check(input.url, input.eventTypes);
      const current = await get(accountId, id);
      const now = clock.now();
      const enabling = input.enabled === true && !current.enabled;
      const disabling = input.enabled === false && current.enabled;
      const updated = await store.webhooks.updateEndpoint(accountId, id, {
        url: input.url,
        description: input.description,
        eventTypes: input.eventTypes === undefined ? undefined : [...new Set(input.eventTypes)],
        enabled: input.enabled,
        ...(enabling
          ? {
              disabledAt: null,
              disabledReason: null,
              attempts: 0,
              failingSince: null,
              nextAttemptAt: null,
              lastError: null,
            }
          : {}),
        ...(disabling ? { disabledAt: now, disabledReason: 'disabled by an admin' } : {}),
        updatedAt: now,
      });
      assertThat(updated, 'webhook.not_found', `no webhook endpoint with id '${id}'`);
      if (enabling) {
        engine.watch(accountId);
        engine.wake();
      }
      return updated;
    },

    async delete(accountId: string, id: string): Promise<void> {
      assertThat(
        await store.webhooks.deleteEndpoint(accountId, id),
        'webhook.not_found',
        `no webhook endpoint with id '${id}'`,
      );
    },

    /**
     * A new secret; the previous one keeps signing (beside it) for `overlapHours`, so
     * receivers can switch without missing a delivery. 0 ends the old secret at once.
     */
    async rotateSecret(
      accountId: string,
      id: string,
      overlapHours: number = DEFAULT_ROTATION_OVERLAP_HOURS,
    ): Promise<WebhookEndpoint> {
      if (
        !Number.isFinite(overlapHours) ||
        overlapHours < 0 ||
        overlapHours > MAX_ROTATION_OVERLAP_HOURS
      ) {
        throw new DirectoryError(
          'webhook.invalid_overlap',
          `overlapHours must be from 0 to ${MAX_ROTATION_OVERLAP_HOURS}`,
        );
      }
      const current = await get(accountId, id);
      const now = clock.now();
      const updated = await store.webhooks.updateEndpoint(accountId, id, {
        secret: newWebhookSecret(),
        previousSecret: overlapHours > 0 ? current.secret : null,
        previousSecretExpiresAt:
          overlapHours > 0
            ? new Date(Date.parse(now) + overlapHours * 3_600_000).toISOString()
            : null,
        updatedAt: now,
      });
      assertThat(updated, 'webhook.not_found', `no webhook endpoint with id '${id}'`);
      return updated;
    },

    async deliveries(
      accountId: string,
      id: string,
      page: { readonly before?: string | undefined; readonly limit: number },
    ): Promise<WebhookDelivery[]> {
      await get(accountId, id);
      if (page.before !== undefined) {
        assertThat(
          await store.webhooks.findDelivery(accountId, id, page.before),
          'webhook.delivery_not_found',
          `'before' must be the id of a delivery of this endpoint, as given in 'next'; got '${page.before}'`,
        );
      }
      return store.webhooks.listDeliveries(accountId, id, page);
    },

    /**
     * Sends one event again, now: by event id, or the event of a logged delivery. The cursor
     * does not move (a later event may be delivered already); the attempt is logged as a
     * redelivery. Disabled endpoints too: it is how an admin checks a fix.
     */
    async redeliver(
      accountId: string,
      id: string,
      what: { readonly eventId?: string | undefined; readonly deliveryId?: string | undefined },
    ): Promise<WebhookDelivery> {
      const endpoint = await get(accountId, id);
      let eventId = what.eventId;
      if (what.deliveryId !== undefined) {
        const delivery = await store.webhooks.findDelivery(accountId, id, what.deliveryId);
        assertThat(
          delivery,
          'webhook.delivery_not_found',
          `no delivery with id '${what.deliveryId}' to this endpoint`,
        );
        if (delivery.eventSequence === null) {
          throw new DirectoryError(
            'webhook.event_not_found',
            'that delivery was of a test event, which is not in the feed; send a new test event instead',
          );
        }
        eventId = delivery.eventId;
      }
      assertThat(eventId, 'webhook.event_not_found', 'give an event id or a delivery id');
      const event = await store.webhooks.findEvent(accountId, eventId);
      assertThat(
        event,
        'webhook.event_not_found',
        `no event with id '${eventId}' in this account's feed (it may be past retention)`,
      );
      return engine.send(endpoint, eventMessage(event), 'redelivery', 1);
    },

    /** Sends the `webhook.test` event now and answers how it went. */
    async test(accountId: string, id: string): Promise<WebhookDelivery> {
      const endpoint = await get(accountId, id);
      return engine.send(endpoint, testMessage(endpoint, clock.now()), 'test', 1);
    },
  };
}

export type Webhooks = ReturnType<typeof createWebhooks>;
