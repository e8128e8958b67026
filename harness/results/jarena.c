/* An arena for jansson's allocations while records are loaded (rd_arena_enable).
 * jansson makes many small blocks (an object with four members costs ~500 bytes through malloc).
 * During loading they come from large chunks instead, 8-byte aligned, with no header and no
 * free-list upkeep; the memory goes back at exit (the reporting commands are short-lived). A
 * pointer inside a chunk is never passed to free(): rd_jfree and jansson's free check the range. */
#include "rundir_scan.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>

#define ARENA_CHUNK ((size_t)32 << 20)
#define ARENA_MAX_CHUNKS 4096
static char *arena_lo[ARENA_MAX_CHUNKS], *arena_hi[ARENA_MAX_CHUNKS];
static atomic_int arena_nchunks;
static pthread_mutex_t arena_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread char *arena_cur, *arena_end;

static int in_arena(const void *p)
{
    int n = atomic_load(&arena_nchunks);
    for (int i = n - 1; i >= 0; i--)
        if ((const char *)p >= arena_lo[i] && (const char *)p < arena_hi[i])
            return 1;
    return 0;
}

static void *arena_malloc(size_t n)
{
    size_t need = (n + 7) & ~(size_t)7;
    if (need == 0)
        need = 8;
    if ((size_t)(arena_end - arena_cur) < need || !arena_cur) {
        if (need > ARENA_CHUNK / 16)
            return malloc(n);
        pthread_mutex_lock(&arena_lock);
        int k = atomic_load(&arena_nchunks);
        void *c = k < ARENA_MAX_CHUNKS ? mmap(NULL, ARENA_CHUNK, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
                                       : MAP_FAILED;
        if (c != MAP_FAILED) {
            /* Transparent huge pages where the kernel offers them on request: one fault per
             * 2 MiB instead of per 4 KiB, which matters where faults are dear (VMs). */
            (void)madvise(c, ARENA_CHUNK, MADV_HUGEPAGE);
            arena_lo[k] = c;
            arena_hi[k] = (char *)c + ARENA_CHUNK;
            atomic_store(&arena_nchunks, k + 1);
        }
        pthread_mutex_unlock(&arena_lock);
        if (c == MAP_FAILED)
            return malloc(n);
        arena_cur = c;
        arena_end = arena_cur + ARENA_CHUNK;
    }
    void *p = arena_cur;
    arena_cur += need;
    return p;
}

static void arena_free(void *p)
{
    if (p && !in_arena(p))
        free(p);
}

void rd_jfree(void *p)
{
    arena_free(p);
}

void rd_arena_enable(void)
{
    static int on;
    if (!on) {
        on = 1;
        json_set_alloc_funcs(arena_malloc, arena_free);
    }
}
