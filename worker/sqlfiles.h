/* sqlfiles: the SQL files of sql/, built into the worker so that it needs nothing beside it. */
#ifndef CTLITE_SQLFILES_H
#define CTLITE_SQLFILES_H

extern const char ctl_schema_sql[]; /* sql/schema.sql, NUL-terminated */
extern const char ctl_rules_sql[];  /* sql/rules.sql, NUL-terminated */

#endif
