#include "sqlfiles.h"

/* .incbin reads the file at build time (make runs from the top of the tree); the Makefile
 * rebuilds this object when an SQL file changes. */
__asm__(".section .rodata\n"
        ".global ctl_schema_sql\n"
        ".type ctl_schema_sql, @object\n"
        "ctl_schema_sql:\n"
        ".incbin \"sql/schema.sql\"\n"
        ".byte 0\n"
        ".previous\n");
