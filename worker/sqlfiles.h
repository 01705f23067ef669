/* sqlfiles: the files of sql/, built into the worker so that it needs nothing beside it. */
#ifndef CTLITE_SQLFILES_H
#define CTLITE_SQLFILES_H

extern const char ctl_schema_sql[];  /* sql/schema.sql, NUL-terminated */
extern const char ctl_rules_sql[];   /* sql/rules.sql, NUL-terminated */
extern const char ctl_reports_sql[]; /* sql/reports.sql, NUL-terminated */
/* sql/rdap_dns.json: IANA's RDAP bootstrap for domains (https://data.iana.org/rdap/dns.json)
 * as published on 2026-06-26, NUL-terminated: the servers rdap_bootstrap starts with. */
extern const char ctl_rdap_dns_json[];

#endif
