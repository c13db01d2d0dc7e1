import { type Kysely, sql } from 'kysely'

/**
 * The waiting room (issue 8): one room per brand and its tickets.
 * Every node reads and writes the same rows, so the queue holds across any number of nodes.
 *
 * - `waiting_rooms.next_rank` hands out admission ranks; `admitting_from` + `rate_per_minute` say
 *   how many ranks are admitted at an instant (computed, no job). `epoch` moves at each
 *   (re)activation, which starts a fresh queue.
 * - A scheduled room's pre-queue tickets are shuffled once: the UPDATE that sets `shuffled_at`
 *   where it is NULL elects the one node that does it (src/waiting-room/shuffle-prequeue.ts).
 * - Tickets are a logged table written with synchronous_commit off: a crash of the server loses
 *   at most the last few hundred milliseconds of arrivals, and no arrival waits for an fsync.
 * - The key that signs passes is VITRINE_WAITING_ROOM_SECRET, or one generated once into
 *   server_secrets (0008-sale-events) under the name 'waiting-room-pass', so every node checks alike.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE waiting_rooms (
      brand_id uuid NOT NULL REFERENCES brands (id),
      mode text NOT NULL DEFAULT 'off' CHECK (mode IN ('off', 'on', 'auto', 'scheduled')),
      event_id uuid,
      starts_at timestamptz,
      ends_at timestamptz,
      prequeue_minutes integer NOT NULL DEFAULT 30 CHECK (prequeue_minutes BETWEEN 0 AND 10080),
      rate_per_minute integer NOT NULL DEFAULT 600 CHECK (rate_per_minute BETWEEN 1 AND 1000000),
      pass_lifetime_seconds integer NOT NULL DEFAULT 900 CHECK (pass_lifetime_seconds BETWEEN 60 AND 86400),
      hot_product_ids jsonb NOT NULL DEFAULT '[]',
      auto_active_since timestamptz,
      last_pressure_at timestamptz,
      admitting_from timestamptz,
      next_rank bigint NOT NULL DEFAULT 1 CHECK (next_rank >= 1),
      issued bigint NOT NULL DEFAULT 0 CHECK (issued >= 0),
      epoch integer NOT NULL DEFAULT 0,
      shuffle_seed text NOT NULL,
      shuffled_at timestamptz,
      updated_at timestamptz NOT NULL,
      PRIMARY KEY (brand_id),
      CHECK (mode <> 'scheduled' OR starts_at IS NOT NULL),
      CHECK (ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at)
    );

    CREATE TABLE waiting_room_tickets (
      brand_id uuid NOT NULL,
      id uuid NOT NULL,
      epoch integer NOT NULL,
      seq bigint NOT NULL,
      rank bigint NOT NULL,
      prequeue boolean NOT NULL,
      created_at timestamptz NOT NULL,
      -- When the ticket was turned into a pass: a ticket admits once (an expired pass goes back
      -- to the queue; a copied ticket cookie cannot mint passes for a crowd).
      admitted_at timestamptz,
      PRIMARY KEY (brand_id, id),
      FOREIGN KEY (brand_id) REFERENCES waiting_rooms (brand_id)
    );
    CREATE INDEX waiting_room_tickets_prequeue ON waiting_room_tickets (brand_id, epoch) WHERE prequeue;
  `.execute(db)
}
