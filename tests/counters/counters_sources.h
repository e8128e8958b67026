/* The counters module's sources in one translation unit, so that a test reaches their internal
 * helpers and compiles them with its own EXA_HAVE_PAPI (test_counters_nopapi). The test's object
 * then defines every counters symbol, so the linker takes none of the library's counters objects. */
#include "exa_counters.c"
#include "exa_counters_names.c"
#include "exa_counters_papi.c"
#include "exa_counters_energy.c"
#include "exa_counters_set.c"
#include "exa_counters_report.c"
#include "exa_counters_inventory.c"
#include "exa_counters_nopapi.c"
