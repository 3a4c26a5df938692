import { type ColumnDefinitionBuilder, type CreateTableBuilder, sql } from 'kysely';
import type { DialectName } from '../connect.js';

/** An auto-increment integer primary key, spelled for each database. */
export function withId<T extends string>(table: CreateTableBuilder<T, never>, dialect: DialectName) {
  return dialect === 'postgres'
    ? table.addColumn('id', 'serial', (c) => c.primaryKey())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

/** Text compared byte-wise (materialised paths, hashes): PostgreSQL's default collation would not. */
export function binaryText(dialect: DialectName) {
  return dialect === 'postgres' ? sql`text collate "C"` : sql`text`;
}

export const notNull = (c: ColumnDefinitionBuilder) => c.notNull();
