/* Test tool for the emulated device engine (benchmarks/hpl/hpl_device_emu.c): copies a value in
 * and out through the engine (must round-trip, bytes counted), then reads device memory directly,
 * as a buggy algorithm would: with the guard (default) that faults (SIGSEGV); with
 * EXA_HPL_EMULATED_GUARD=0 it reads the NaN poison of a never-written element. */
#include <math.h>
#include <stdio.h>

#include "hpl_device.h"

int main(void)
{
    struct hpl_device *d = &hpl_device_emulated;
    d->init();
    double *dev = d->alloc(sizeof(double) * 64), in[4] = {1, 2, 3, 4}, out[4] = {0};
    d->copy2d(HPL_DEV_MAIN, HPL_H2D, 2, 2, in, 2, dev, 8);
    d->copy2d(HPL_DEV_MAIN, HPL_D2H, 2, 2, dev, 8, out, 2);
    struct hpl_dev_counters c;
    d->counters(&c);
    printf("roundtrip %s h2d=%.0f d2h=%.0f\n", out[3] == 4 && out[0] == 1 ? "ok" : "BAD",
           c.bytes_h2d, c.bytes_d2h);
    fflush(stdout);
    volatile double v = dev[63];   /* the stray access */
    printf("direct read %s\n", isnan(v) ? "nan" : "value");
    return 0;
}
