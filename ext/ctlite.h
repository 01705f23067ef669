/* ctlite: the extension's entry point. `.load ./ctlite` in the sqlite3 shell calls it; the worker
 * links the extension statically and calls it on each of its own connections. */
#ifndef CTLITE_H
#define CTLITE_H

#include "sqlite3ext.h"

#ifndef CTLITE_VERSION
#define CTLITE_VERSION "unknown"
#endif
#ifndef CTLITE_COMMIT
#define CTLITE_COMMIT "unknown"
#endif

/* Registers every ctlite function and table on db. */
__attribute__((visibility("default"))) int sqlite3_ctlite_init(sqlite3 *db, char **pzErrMsg,
                                                               const sqlite3_api_routines *pApi);

#endif
