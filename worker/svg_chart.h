/* svg_chart: bar charts as inline SVG for the HTML report, drawn from numbers alone, with no
 * script and nothing to fetch, so that the page shows them offline in any browser. Labels
 * may come from certificates: they are escaped (view_format's ctl_put_html). */
#ifndef CTLITE_SVG_CHART_H
#define CTLITE_SVG_CHART_H

#include <stddef.h>
#include <stdio.h>

struct ctl_chart {
    const char *title;         /* what it shows: the SVG's <title> and aria-label */
    const char *const *labels; /* n categories: days, issuers */
    size_t n;
    const char *const *series; /* k series (stacked, with a legend when k > 1): rules */
    size_t k;
    const double *values; /* n * k values, values[i * k + j] for category i and series j */
    int horizontal;       /* one bar a line, its label on the left (else columns over days) */
};

/* Writes the chart as a <figure>: its title as the caption, then one <svg> element. A chart
 * with nothing to show says so. */
void ctl_svg_chart(FILE *out, const struct ctl_chart *c);

#endif
