/**
 * How the SQLite store works inside: the group-commit writer, the SQL of each operation, the row
 * layout and the connections. Not an API; anything here may change.
 */
package io.bulwark.jdbc.sqlite.internal;
