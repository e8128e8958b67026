/* Reading one loaded run of a results folder (struct rd_run of rundir.h): its metrics, their
 * samples, its parameters and why it failed. Split from rundir.c, which loads the folder. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "rundir.h"

int rd_metric(const struct rd_run *run, const char *name, double *value, const char **unit, int *higher)
{
    const json_t *m = json_object_get(json_object_get(run->rec, "metrics"), name);
    const json_t *v = json_object_get(m, "value");
    if (!json_is_number(v))
        return -1;
    if (value)
        *value = json_number_value(v);
    if (unit)
        *unit = rd_jstr(m, "unit", "");
    if (higher)
        *higher = strcmp(rd_jstr(m, "direction", "higher"), "lower") != 0;
    return 0;
}

size_t rd_metric_samples(const struct rd_run *run, const char *name, double *out, size_t cap)
{
    const json_t *m = json_object_get(json_object_get(run->rec, "metrics"), name);
    const json_t *s = json_object_get(m, "samples");
    size_t n = 0;
    if (json_is_array(s) && json_array_size(s) > 0) {
        size_t i;
        json_t *x;
        json_array_foreach(s, i, x) {
            if (json_is_number(x) && n < cap)
                out[n++] = json_number_value(x);
        }
        if (n > 0)
            return n;
    }
    const json_t *v = json_object_get(m, "value");
    if (json_is_number(v) && cap > 0) {
        out[0] = json_number_value(v);
        return 1;
    }
    return 0;
}

double rd_param(const struct rd_run *run, const char *name)
{
    const json_t *v = json_object_get(run->run_params ? run->run_params : run->params, name);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

const char *rd_failure(const struct rd_run *run, char *buf, size_t len)
{
    if (run->ok) {
        /* A valid run that broke its benchmark's run rules is still shown, but never as plain
         * "valid": STREAM arrays inside the cache, for one, measure the cache. */
        const json_t *compliance = json_object_get(run->rec, "compliance");
        if (json_is_false(json_object_get(compliance, "compliant"))) {
            const json_t *why = json_array_get(json_object_get(compliance, "violations"), 0);
            snprintf(buf, len, "valid, NON-COMPLIANT: %s",
                     json_is_string(why) ? json_string_value(why) : "run rules broken");
        } else {
            snprintf(buf, len, "valid");
        }
        return buf;
    }
    const json_t *ver = json_object_get(run->rec, "verification");
    int ver_failed = run->rec && json_is_false(json_object_get(ver, "passed"));
    if ((strcmp(run->status, "valid") && strcmp(run->status, "verification-failed")) || !ver_failed) {
        snprintf(buf, len, "%s", strcmp(run->status, "valid") ? run->status : "invalid");
        return buf;
    }
    const json_t *v = json_object_get(ver, "value"), *t = json_object_get(ver, "threshold");
    if (json_is_number(v) && json_is_number(t))
        snprintf(buf, len, "verification-failed: %s %g (needs %s %g)", rd_jstr(ver, "method", "check"),
                 json_number_value(v), rd_jstr(ver, "comparison", "vs"), json_number_value(t));
    else
        snprintf(buf, len, "verification-failed");
    return buf;
}
