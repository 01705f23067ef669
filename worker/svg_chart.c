#include <math.h>
#include <string.h>

#include "svg_chart.h"
#include "view_format.h"

/* Eight colours that stay apart for the common kinds of colour blindness (Okabe and Ito). */
static const char *const palette[] = {"#0072b2", "#e69f00", "#009e73", "#cc79a7",
                                      "#56b4e9", "#d55e00", "#f0e442", "#000000"};
enum { COLOURS = sizeof palette / sizeof *palette };

/* A round number at or above v for the top of the scale: 1, 2 or 5 times a power of ten. */
static double nice_max(double v)
{
    if (v <= 0) return 1;
    double p = pow(10, floor(log10(v)));
    return v <= p ? p : v <= 2 * p ? 2 * p : v <= 5 * p ? 5 * p : 10 * p;
}

static void open_svg(FILE *out, const struct ctl_chart *c, int width, int height)
{
    fprintf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"%d\" "
            "height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" aria-label=\"",
            width, height, width, height);
    ctl_put_html(out, c->title);
    fputs("\">\n<title>", out);
    ctl_put_html(out, c->title);
    fputs("</title>\n", out);
}

/* A bar's tooltip: label, series and value. */
static void bar_title(FILE *out, const struct ctl_chart *c, size_t i, size_t j, double v)
{
    fputs("<title>", out);
    ctl_put_html(out, c->labels[i]);
    if (c->k > 1 && c->series[j]) fputs(", ", out), ctl_put_html(out, c->series[j]);
    fprintf(out, ": %g</title>", v);
}

/* The width a legend entry takes: its swatch, its text (about 7 pixels a character) and a gap. */
static int entry_width(const char *name)
{
    return 24 + 7 * (int)strlen(name ? name : "");
}

/* The lines the legend takes in width (none for a single series). */
static int legend_lines(const struct ctl_chart *c, int width)
{
    if (c->k < 2) return 0;
    int lines = 1, x = 60;
    for (size_t j = 0; j < c->k; j++) {
        if (x > 60 && x + entry_width(c->series[j]) > width) lines++, x = 60;
        x += entry_width(c->series[j]);
    }
    return lines;
}

/* The legend from y down, wrapped as legend_lines counts its lines. */
static void legend(FILE *out, const struct ctl_chart *c, int y, int width)
{
    if (c->k < 2) return;
    int x = 60;
    for (size_t j = 0; j < c->k; j++) {
        if (x > 60 && x + entry_width(c->series[j]) > width) y += 18, x = 60;
        fprintf(out, "<rect x=\"%d\" y=\"%d\" width=\"10\" height=\"10\" fill=\"%s\"/>", x, y,
                palette[j % COLOURS]);
        fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\">", x + 14, y + 9);
        ctl_put_html(out, c->series[j] ? c->series[j] : "");
        fputs("</text>\n", out);
        x += entry_width(c->series[j]);
    }
}

/* Columns over the categories, the series stacked, a scale on the left. */
static void columns(FILE *out, const struct ctl_chart *c, double top)
{
    const int left = 50, width = 760, plot = 180, base = 20 + plot;
    double slot = (double)(width - left - 10) / (double)c->n;
    open_svg(out, c, width, base + 40 + 18 * legend_lines(c, width));
    for (int t = 0; t <= 4; t++) {
        double v = top * t / 4;
        int y = base - (int)lround(plot * t / 4.0);
        fprintf(out,
                "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#ddd\"/>"
                "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%g</text>\n",
                left, y, width - 10, y, left - 4, y + 4, v);
    }
    /* About ten labels at most, so that they do not run into each other. */
    size_t every = c->n > 10 ? (c->n + 9) / 10 : 1;
    for (size_t i = 0; i < c->n; i++) {
        double x = left + slot * (double)i, y = base;
        for (size_t j = 0; j < c->k; j++) {
            double v = c->values[i * c->k + j], h = v / top * plot;
            if (v <= 0) continue;
            y -= h;
            fprintf(out,
                    "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    "fill=\"%s\">",
                    x + slot * 0.1, y, slot * 0.8, h, palette[j % COLOURS]);
            bar_title(out, c, i, j, v);
            fputs("</rect>\n", out);
        }
        if (i % every == 0) {
            fprintf(out, "<text x=\"%.1f\" y=\"%d\" font-size=\"10\" text-anchor=\"middle\">",
                    x + slot / 2, base + 14);
            ctl_put_html(out, c->labels[i]);
            fputs("</text>\n", out);
        }
    }
    legend(out, c, base + 26, width);
    fputs("</svg>\n", out);
}

/* One bar a line, the label on the left, the value at the end of the bar. */
static void rows(FILE *out, const struct ctl_chart *c, double top)
{
    const int left = 330, width = 760, line = 22;
    open_svg(out, c, width, (int)c->n * line + 10);
    for (size_t i = 0; i < c->n; i++) {
        int y = 5 + (int)i * line;
        double x = left, sum = 0;
        /* A long label is cut (between characters, not within one): the bar's tooltip has it
         * whole. */
        char label[64];
        const char *text = c->labels[i];
        int cut = 47;
        if (strlen(text) > 50) {
            while (cut > 0 && (text[cut] & 0xC0) == 0x80) cut--;
            snprintf(label, sizeof label, "%.*s...", cut, text);
        } else
            snprintf(label, sizeof label, "%s", text);
        fprintf(out, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">", left - 6,
                y + 14);
        ctl_put_html(out, label);
        fputs("</text>\n", out);
        for (size_t j = 0; j < c->k; j++) {
            double v = c->values[i * c->k + j], w = v / top * (width - left - 60);
            sum += v;
            if (v <= 0) continue;
            fprintf(out,
                    "<rect class=\"bar\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                    "fill=\"%s\">",
                    x, y + 2, w, line - 6, palette[j % COLOURS]);
            bar_title(out, c, i, j, v);
            fputs("</rect>\n", out);
            x += w;
        }
        fprintf(out, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%g</text>\n", x + 4, y + 14, sum);
    }
    fputs("</svg>\n", out);
}

static void draw(FILE *out, const struct ctl_chart *c)
{
    double top = 0;
    for (size_t i = 0; i < c->n; i++) {
        double sum = 0;
        for (size_t j = 0; j < c->k; j++)
            sum += c->values[i * c->k + j] > 0 ? c->values[i * c->k + j] : 0;
        if (sum > top) top = sum;
    }
    if (!c->n || !c->k || top <= 0) {
        open_svg(out, c, 760, 40);
        fputs("<text x=\"10\" y=\"25\" font-size=\"13\" fill=\"#666\">Nothing to show yet."
              "</text>\n</svg>\n",
              out);
        return;
    }
    if (c->horizontal)
        rows(out, c, top);
    else
        columns(out, c, nice_max(top));
}

void ctl_svg_chart(FILE *out, const struct ctl_chart *c)
{
    fputs("<figure>\n<figcaption>", out);
    ctl_put_html(out, c->title);
    fputs("</figcaption>\n", out);
    draw(out, c);
    fputs("</figure>\n", out);
}
