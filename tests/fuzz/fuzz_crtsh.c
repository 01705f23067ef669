/* Fuzz target for crt.sh's answers (crtsh.h).
 *
 * ctl_crtsh_parse reads whatever the network returns: it must either give rows whose
 * required fields are all there, or an error message, and never read past the body (which
 * is not NUL-terminated here). ctl_crtsh_next_name then walks every row's name_value: each
 * name it gives must be a canonical host name, "*." kept, and the walk must end. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "crtsh.h"
#include "domain.h"

const char *__ubsan_default_options(void);
const char *__ubsan_default_options(void)
{
    return "halt_on_error=1:print_stacktrace=1";
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *body = malloc(size ? size : 1); /* exactly size bytes: overreads are caught */
    if (!body) return 0;
    memcpy(body, data, size);
    struct ctl_crtsh_result r;
    char err[300] = "";
    if (ctl_crtsh_parse(body, size, &r, err, sizeof err) < 0) {
        if (!err[0] || r.n) __builtin_trap();
        free(body);
        return 0;
    }
    for (size_t i = 0; i < r.n; i++) {
        const struct ctl_crtsh_row *w = &r.v[i];
        if (!w->issuer_name || !w->name_value || !w->not_before || !w->not_after ||
            !w->serial_number)
            __builtin_trap();
        char name[256], canon[CTL_HOST_MAX + 1];
        size_t pos = 0, guard = strlen(w->name_value) + 1;
        int n;
        while ((n = ctl_crtsh_next_name(w->name_value, &pos, name)) >= 0) {
            if ((size_t)n != strlen(name) || !guard--) __builtin_trap();
            const char *host = name[0] == '*' ? name + 2 : name;
            if (ctl_host_canon(host, strlen(host), canon) < 0 || strcmp(canon, host) != 0)
                __builtin_trap();
        }
    }
    ctl_crtsh_result_free(&r);
    free(body);
    return 0;
}
