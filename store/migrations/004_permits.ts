import type { Kysely } from 'kysely';

/**
 * Van and trailer permits for the tips. Besides the permits themselves, two small tables
 * make booking safe with several instances on PostgreSQL: `tip_slots` counts the permits per
 * site, date and window, and a booking takes a place with one conditional UPDATE
 * (booked < capacity) whose row count decides; `tip_households` has one row per property that
 * a booking locks first, so two bookings for the same household on different slots cannot
 * both take its last visit of the allowance.
 */
export function permits() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tip_permits')
        .addColumn('reference', 'varchar(16)', (c) => c.primaryKey())
        .addColumn('property_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('postcode', 'varchar(16)', (c) => c.notNull())
        .addColumn('registration', 'varchar(16)', (c) => c.notNull())
        .addColumn('vehicle_type', 'varchar(32)', (c) => c.notNull())
        .addColumn('trailer_length_cm', 'integer')
        .addColumn('site_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('visit_date', 'varchar(10)', (c) => c.notNull())
        .addColumn('time_window', 'varchar(32)', (c) => c.notNull())
        .addColumn('phone', 'varchar(32)')
        .addColumn('channel', 'varchar(32)', (c) => c.notNull())
        .addColumn('idempotency_key', 'varchar(128)', (c) => c.notNull().unique())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addColumn('cancelled_at', 'bigint')
        .execute();
      await db.schema
        .createIndex('tip_permits_by_property')
        .on('tip_permits')
        .columns(['property_id', 'visit_date'])
        .execute();
      await db.schema.createIndex('tip_permits_by_phone').on('tip_permits').column('phone').execute();

      await db.schema
        .createTable('tip_slots')
        .addColumn('site_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('visit_date', 'varchar(10)', (c) => c.notNull())
        .addColumn('time_window', 'varchar(32)', (c) => c.notNull())
        .addColumn('booked', 'integer', (c) => c.notNull().defaultTo(0))
        .addPrimaryKeyConstraint('tip_slots_pk', ['site_id', 'visit_date', 'time_window'])
        .execute();

      await db.schema
        .createTable('tip_households')
        .addColumn('property_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();
    },
  };
}
