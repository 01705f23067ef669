/* The benchmarks' deterministic random numbers: the same data on every machine and run.
 * Define BENCH_SEED before including. */
#include <stdint.h>

static uint64_t rng_state = BENCH_SEED;

/* splitmix64: small, fast, and good enough to shape test data. */
static uint64_t rnd(void)
{
    uint64_t z = (rng_state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

/* Uniform in [0, n). The modulo bias is irrelevant for n this small. */
static unsigned below(unsigned n)
{
    return (unsigned)(rnd() % n);
}
