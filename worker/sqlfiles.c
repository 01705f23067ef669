#include "sqlfiles.h"

/* .incbin reads the file at build time (make runs from the top of the tree); the Makefile
 * rebuilds this object when a file of sql/ changes. */
#define SQLFILE(sym, path)                                                                         \
    __asm__(".section .rodata\n"                                                                   \
            ".global " #sym "\n"                                                                   \
            ".type " #sym ", @object\n" #sym ":\n"                                                 \
            ".incbin \"" path "\"\n"                                                               \
            ".byte 0\n"                                                                            \
            ".previous\n")

SQLFILE(ctl_schema_sql, "sql/schema.sql");
SQLFILE(ctl_rules_sql, "sql/rules.sql");
SQLFILE(ctl_reports_sql, "sql/reports.sql");
SQLFILE(ctl_rdap_dns_json, "sql/rdap_dns.json");
