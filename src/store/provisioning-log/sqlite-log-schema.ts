/**
 * The SQLite provisioning log's own database file (`roster-log.db` beside `roster.db`): its
 * schema, versioned with `pragma user_version`, and the statements its writer runs. PostgreSQL
 * keeps the same tables in its one database (migration 0010).
 */
import type SqliteDatabase from 'better-sqlite3';

/** Schema versions, applied in order; `user_version` is the number applied. */
const SCHEMA: readonly string[] = [
  `create table provisioning_events (
     seq integer primary key,
     id text not null,
     account_id text,
     at text not null,
     idp text not null,
     method text not null,
     path text not null,
     operation text not null,
     user_id text,
     group_id text,
     status integer not null,
     outcome text not null,
     scim_type text,
     explanation text,
     request_body text,
     response_body text,
     duration_ms real not null
   );
   create unique index provisioning_events_id on provisioning_events (id);
   create index provisioning_events_account_at on provisioning_events (account_id, at, seq);
   -- One user's or one group's history without walking the account's whole log.
   create index provisioning_events_account_user on provisioning_events (account_id, user_id, at, seq)
     where user_id is not null;
   create index provisioning_events_account_group on provisioning_events (account_id, group_id, at, seq)
     where group_id is not null;
   create table auth_failures (
     minute text not null,
     account_id text not null,
     token_prefix text not null,
     reason text not null,
     idp text not null,
     source text not null,
     count integer not null,
     primary key (minute, account_id, token_prefix, reason, idp, source)
   );
   create index auth_failures_account_minute on auth_failures (account_id, minute);`,
  // 2: whether the event's account was a sandbox (migration 0012 on PostgreSQL).
  'alter table provisioning_events add column sandbox integer not null default 0;',
  // 3: the console's connection status: per IdP, its last request, last failure and counts, each
  // one probe of this index (provisioning-events.ts idpActivity).
  'create index if not exists provisioning_events_account_idp on provisioning_events (account_id, idp, outcome, at);',
  // 4: the request's id (X-Request-Id), to find the event a client or a log line names
  // (migration 0016 on PostgreSQL). Older events have none.
  `alter table provisioning_events add column request_id text;
   create index provisioning_events_account_request on provisioning_events (account_id, request_id)
     where request_id is not null;`,
];

/** Opens the connection the way every user of the log file does. */
export function configureLogConnection(db: SqliteDatabase.Database): void {
  db.pragma('journal_mode = WAL');
  // NORMAL in WAL mode: a committed batch survives a crash of the process; a power failure may
  // lose the last batches. The log's bound on loss is stated in sqlite-log.ts.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  // A small cache: the writer appends, readers page through recent events.
  db.pragma('cache_size = -4096');
}

/** Brings the log file's schema up to date; safe to call on every start. */
export function migrateLogSchema(db: SqliteDatabase.Database): void {
  const applied = Number(db.pragma('user_version', { simple: true }));
  for (let version = applied; version < SCHEMA.length; version++) {
    db.transaction(() => {
      db.exec(SCHEMA[version] as string);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

/** Event columns in insert order; the writer binds each event's fields in this order. */
export const EVENT_COLUMNS = [
  'id',
  'account_id',
  'at',
  'idp',
  'method',
  'path',
  'operation',
  'user_id',
  'group_id',
  'status',
  'outcome',
  'scim_type',
  'explanation',
  'request_body',
  'response_body',
  'duration_ms',
  'sandbox',
  'request_id',
] as const;

/**
 * The columns of the table older Roster versions kept in the directory's file (no sandbox, no
 * request id).
 */
export const LEGACY_EVENT_COLUMNS = EVENT_COLUMNS.filter(
  (column) => column !== 'sandbox' && column !== 'request_id',
);

export const INSERT_EVENT = `insert into provisioning_events (${EVENT_COLUMNS.join(', ')}) values (${EVENT_COLUMNS.map(() => '?').join(', ')})`;

export const ADD_AUTH_FAILURES = `insert into auth_failures (minute, account_id, token_prefix, reason, idp, source, count)
  values (?, ?, ?, ?, ?, ?, ?)
  on conflict (minute, account_id, token_prefix, reason, idp, source)
  do update set count = count + excluded.count`;

/**
 * Of the oldest `limit` events by `seq`, those older than `before`. Rows are appended in time
 * order, so each round reads only the rows it may remove, never the retained rest.
 */
export const PRUNE_EVENTS = `delete from provisioning_events where seq in
  (select seq from (select seq, at from provisioning_events order by seq limit ?) where at < ?)`;

export const PRUNE_AUTH_FAILURES = 'delete from auth_failures where minute < ?';
