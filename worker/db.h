/* db: the worker's database connection: ctlite registered, WAL mode, schema up to date. */
#ifndef CTLITE_DB_H
#define CTLITE_DB_H

#include <sqlite3.h>
#include <stddef.h>

/* Opens or creates the database at path and brings its schema up to date. Returns NULL with a
 * message in err (errsz bytes) on failure. *from and *to get the schema version before and
 * after (either may be NULL). */
sqlite3 *ctl_db_open(const char *path, int *from, int *to, char *err, size_t errsz);

/* The newest schema version that sql/schema.sql defines. */
int ctl_db_schema_version(void);

#endif
