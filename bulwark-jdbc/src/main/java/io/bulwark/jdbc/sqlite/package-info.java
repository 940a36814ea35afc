/**
 * The embedded job store: {@link io.bulwark.jdbc.sqlite.SqliteJobStore}, one SQLite file in the
 * data directory, written by a single group-committing writer and read through a small pool of
 * read-only connections. Configure it with {@link io.bulwark.jdbc.sqlite.SqliteOptions}.
 */
package io.bulwark.jdbc.sqlite;
