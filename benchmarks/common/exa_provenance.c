/* Provenance: the node inventory and software facts a result was measured with. Items that can not
 * be read are left out of the record, never guessed. */
#include "exa_provenance.h"

#include <cblas.h>
#include <dirent.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <mpi.h> /* version macros only: nothing here calls into libmpi */
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "build_info.h"
#include "exa_cli.h"
#include "exa_peak.h"
#include "exa_sysfs.h"

extern char **environ;

/* Sets key to a string taken over from value (freed); nothing when value is NULL. */
static void set_owned_string(json_t *obj, const char *key, char *value)
{
    if (value)
        json_object_set_new(obj, key, json_string(value));
    free(value);
}

static void set_file_string(json_t *obj, const char *key, const char *path)
{
    set_owned_string(obj, key, exa_read_line(path));
}

static json_t *cpu_topology(void)
{
    /* Count distinct (package, core) pairs over the online CPUs. */
    int cpus = 0, cores = 0, max_pkg = -1;
    long seen[1024][2];
    for (int c = 0; c < 4096; c++) {
        char path[128];
        long pkg, core;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/physical_package_id", c);
        if (exa_read_long(path, &pkg) != 0)
            continue;
        snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%d/topology/core_id", c);
        if (exa_read_long(path, &core) != 0)
            continue;
        cpus++;
        int known = 0;
        for (int i = 0; i < cores && !known; i++)
            known = seen[i][0] == pkg && seen[i][1] == core;
        if (!known && cores < 1024) {
            seen[cores][0] = pkg;
            seen[cores][1] = core;
            cores++;
        }
        if (pkg > max_pkg)
            max_pkg = (int)pkg;
    }
    json_t *t = json_object();
    if (cpus > 0) {
        json_object_set_new(t, "logical_cpus", json_integer(cpus));
        json_object_set_new(t, "cores", json_integer(cores));
        json_object_set_new(t, "sockets", json_integer(max_pkg + 1));
        json_object_set_new(t, "threads_per_core", json_integer(cores ? cpus / cores : 0));
    }
    int numa = 0;
    for (int n = 0; n < 1024; n++) {
        char path[96];
        snprintf(path, sizeof path, "/sys/devices/system/node/node%d", n);
        if (access(path, F_OK) == 0)
            numa++;
    }
    if (numa > 0)
        json_object_set_new(t, "numa_nodes", json_integer(numa));
    return t;
}

/* Some virtual machines expose no cache directories in sysfs; glibc still answers from CPUID,
 * which is a reading too, so it is recorded with its source rather than dropped. */
static void cpuid_caches(json_t *caches)
{
    static const struct { int name; const char *level, *type; } levels[] = {
        { _SC_LEVEL1_DCACHE_SIZE, "1", "Data" },
        { _SC_LEVEL1_ICACHE_SIZE, "1", "Instruction" },
        { _SC_LEVEL2_CACHE_SIZE, "2", "Unified" },
        { _SC_LEVEL3_CACHE_SIZE, "3", "Unified" },
        { _SC_LEVEL4_CACHE_SIZE, "4", "Unified" },
    };
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        long bytes = sysconf(levels[i].name);
        if (bytes <= 0)
            continue;
        char size[32];
        snprintf(size, sizeof size, "%ldK", bytes / 1024);
        json_array_append_new(caches, json_pack("{s:s, s:s, s:s, s:s}", "level", levels[i].level,
                                                "type", levels[i].type, "size", size,
                                                "source", "cpuid"));
    }
}

static json_t *cpu_caches(void)
{
    json_t *caches = json_array();
    for (int i = 0; i < 16; i++) {
        char base[96], path[128];
        snprintf(base, sizeof base, "/sys/devices/system/cpu/cpu0/cache/index%d", i);
        if (access(base, F_OK) != 0)
            break;
        json_t *c = json_object();
        snprintf(path, sizeof path, "%s/level", base);
        set_file_string(c, "level", path);
        snprintf(path, sizeof path, "%s/type", base);
        set_file_string(c, "type", path);
        snprintf(path, sizeof path, "%s/size", base);
        set_file_string(c, "size", path);
        snprintf(path, sizeof path, "%s/shared_cpu_list", base);
        set_file_string(c, "shared_cpu_list", path);
        json_array_append_new(caches, c);
    }
    if (json_array_size(caches) == 0)
        cpuid_caches(caches);
    return caches;
}

static json_t *cpu_facts(void)
{
    json_t *cpu = json_object();
    set_owned_string(cpu, "model", exa_read_keyed("/proc/cpuinfo", "model name"));
    set_owned_string(cpu, "vendor", exa_read_keyed("/proc/cpuinfo", "vendor_id"));
    set_owned_string(cpu, "family", exa_read_keyed("/proc/cpuinfo", "cpu family"));
    set_owned_string(cpu, "model_number", exa_read_keyed("/proc/cpuinfo", "model"));
    set_owned_string(cpu, "stepping", exa_read_keyed("/proc/cpuinfo", "stepping"));
    set_owned_string(cpu, "microcode", exa_read_keyed("/proc/cpuinfo", "microcode"));
    set_owned_string(cpu, "flags", exa_read_keyed("/proc/cpuinfo", "flags"));
    long khz;
    if (exa_read_long("/sys/devices/system/cpu/cpu0/cpufreq/cpuinfo_max_freq", &khz) == 0)
        json_object_set_new(cpu, "max_mhz", json_real((double)khz / 1000.0));
    set_file_string(cpu, "frequency_governor", "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
    json_t *topology = cpu_topology();
    json_object_update(cpu, topology);
    json_decref(topology);
    json_object_set_new(cpu, "caches", cpu_caches());
    return cpu;
}

static json_t *dmi_facts(void)
{
    static const char *items[] = {"bios_vendor", "bios_version", "bios_date", "bios_release",
                                  "board_vendor", "board_name", "board_version", "sys_vendor",
                                  "product_name", "product_version", "chassis_vendor"};
    json_t *dmi = json_object();
    for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
        char path[96];
        snprintf(path, sizeof path, "/sys/class/dmi/id/%s", items[i]);
        set_file_string(dmi, items[i], path);
    }
    return dmi;
}

static json_t *infiniband_facts(void)
{
    json_t *hcas = json_array();
    DIR *d = opendir("/sys/class/infiniband");
    if (!d)
        return hcas;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        json_t *h = json_pack("{s:s}", "name", e->d_name);
        const char *items[] = {"fw_ver", "hca_type", "board_id", "node_desc"};
        for (size_t i = 0; i < 4; i++) {
            char path[512];
            snprintf(path, sizeof path, "/sys/class/infiniband/%s/%s", e->d_name, items[i]);
            set_file_string(h, items[i], path);
        }
        char path[512];
        snprintf(path, sizeof path, "/sys/class/infiniband/%s/ports/1/rate", e->d_name);
        set_file_string(h, "port1_rate", path);
        snprintf(path, sizeof path, "/sys/class/infiniband/%s/ports/1/state", e->d_name);
        set_file_string(h, "port1_state", path);
        json_array_append_new(hcas, h);
    }
    closedir(d);
    return hcas;
}

/* Driver name, version and firmware through the ethtool ioctl, which needs no privileges. */
static void nic_driver_info(const char *ifname, json_t *nic)
{
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0)
        return;
    struct ethtool_drvinfo info = {.cmd = ETHTOOL_GDRVINFO};
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", ifname);
    ifr.ifr_data = (char *)&info;
    if (ioctl(fd, SIOCETHTOOL, &ifr) == 0) {
        if (info.driver[0])
            json_object_set_new(nic, "driver", json_string(info.driver));
        if (info.version[0])
            json_object_set_new(nic, "driver_version", json_string(info.version));
        if (info.fw_version[0])
            json_object_set_new(nic, "firmware", json_string(info.fw_version));
        if (info.bus_info[0])
            json_object_set_new(nic, "bus", json_string(info.bus_info));
    }
    close(fd);
}

static json_t *nic_facts(void)
{
    json_t *nics = json_array();
    DIR *d = opendir("/sys/class/net");
    if (!d)
        return nics;
    struct dirent *e;
    while ((e = readdir(d))) {
        char path[512];
        snprintf(path, sizeof path, "/sys/class/net/%s/device", e->d_name);
        if (e->d_name[0] == '.' || access(path, F_OK) != 0)
            continue; /* virtual interfaces (lo, bridges) say nothing about the hardware */
        json_t *nic = json_pack("{s:s}", "name", e->d_name);
        nic_driver_info(e->d_name, nic);
        snprintf(path, sizeof path, "/sys/class/net/%s/speed", e->d_name);
        set_file_string(nic, "speed_mbps", path);
        snprintf(path, sizeof path, "/sys/class/net/%s/mtu", e->d_name);
        set_file_string(nic, "mtu", path);
        json_array_append_new(nics, nic);
    }
    closedir(d);
    return nics;
}

static json_t *gpu_facts(void)
{
    json_t *gpus = json_array();
    DIR *d = opendir("/proc/driver/nvidia/gpus");
    if (!d)
        return gpus;
    char *driver = exa_read_line("/proc/driver/nvidia/version");
    struct dirent *e;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        char path[512];
        snprintf(path, sizeof path, "/proc/driver/nvidia/gpus/%s/information", e->d_name);
        json_t *g = json_pack("{s:s}", "bus", e->d_name);
        set_owned_string(g, "model", exa_read_keyed(path, "Model"));
        set_owned_string(g, "vbios", exa_read_keyed(path, "Video BIOS"));
        set_owned_string(g, "uuid", exa_read_keyed(path, "GPU UUID"));
        if (driver)
            json_object_set_new(g, "driver", json_string(driver));
        json_array_append_new(gpus, g);
    }
    free(driver);
    closedir(d);
    return gpus;
}

static json_t *kernel_facts(void)
{
    json_t *k = json_object();
    struct utsname u;
    if (uname(&u) == 0) {
        json_object_set_new(k, "name", json_string(u.sysname));
        json_object_set_new(k, "release", json_string(u.release));
        json_object_set_new(k, "version", json_string(u.version));
        json_object_set_new(k, "machine", json_string(u.machine));
    }
    char *os = exa_read_keyed("/etc/os-release", "PRETTY_NAME");
    if (!os) {
        FILE *f = fopen("/etc/os-release", "r");
        char line[512];
        while (f && fgets(line, sizeof line, f))
            if (!strncmp(line, "PRETTY_NAME=", 12)) {
                char *v = line + 12;
                v[strcspn(v, "\n")] = '\0';
                if (*v == '"') {
                    v++;
                    v[strcspn(v, "\"")] = '\0';
                }
                os = strdup(v);
                break;
            }
        if (f)
            fclose(f);
    }
    set_owned_string(k, "os", os);
    return k;
}

static json_t *memory_facts(void)
{
    json_t *m = json_object();
    long kib;
    char *total = exa_read_keyed("/proc/meminfo", "MemTotal");
    if (total && sscanf(total, "%ld", &kib) == 1)
        json_object_set_new(m, "total_bytes", json_integer((json_int_t)kib * 1024));
    free(total);
    char *huge = exa_read_keyed("/proc/meminfo", "Hugepagesize");
    set_owned_string(m, "hugepage_size", huge);
    set_file_string(m, "transparent_hugepages", "/sys/kernel/mm/transparent_hugepage/enabled");
    return m;
}

void exa_json_hash(const json_t *value, char out[17])
{
    char *text = json_dumps(value, JSON_SORT_KEYS | JSON_COMPACT);
    uint64_t h = 1469598103934665603ULL; /* FNV-1a 64 */
    for (const char *p = text ? text : ""; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211ULL;
    }
    free(text);
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

json_t *exa_provenance_node(void)
{
    json_t *node = json_object();
    json_object_set_new(node, "cpu", cpu_facts());
    json_object_set_new(node, "memory", memory_facts());
    json_object_set_new(node, "kernel", kernel_facts());
    json_object_set_new(node, "dmi", dmi_facts());
    json_object_set_new(node, "infiniband", infiniband_facts());
    json_object_set_new(node, "nics", nic_facts());
    json_object_set_new(node, "gpus", gpu_facts());
    /* The hash covers the inventory, not the name, so two identical nodes hash alike. */
    char hash[17];
    exa_json_hash(node, hash);
    json_object_set_new(node, "inventory_hash", json_string(hash));
    char host[256] = {0};
    if (gethostname(host, sizeof host - 1) == 0)
        json_object_set_new(node, "hostname", json_string(host));
    return node;
}

const char *exa_blas_config(void)
{
#ifdef OPENBLAS_VERSION
    return openblas_get_config();
#else
    return NULL;
#endif
}

static int changes_results(const char *name)
{
    static const char *prefixes[] = {"OMP_",   "GOMP_",      "KMP_",    "OPENBLAS_", "GOTO_",
                                     "MKL_",   "BLIS_",      "UCX_",    "OMPI_MCA_", "PMIX_MCA_",
                                     "I_MPI_", "MPICH_",     "FI_",     "NCCL_",     "CUDA_",
                                     "HCOLL_", "SLURM_CPU",  "EXA_",    "MALLOC_",   "HUGETLB_",
                                     "GLIBC_TUNABLES", "LD_PRELOAD", "LD_LIBRARY_PATH"};
    if (!strncmp(name, "EXA_LAUNCH_COMMAND=", 19))
        return 0; /* recorded under launch */
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
            return 1;
    return 0;
}

json_t *exa_provenance_environment(void)
{
    json_t *env = json_object();
    for (char **e = environ; e && *e; e++) {
        if (!changes_results(*e))
            continue;
        const char *eq = strchr(*e, '=');
        if (!eq)
            continue;
        char name[256];
        snprintf(name, sizeof name, "%.*s", (int)(eq - *e), *e);
        json_object_set_new(env, name, json_string(eq + 1));
    }
    return env;
}

/* The MPI the build compiled against, from mpi.h's macros alone (no libmpi call: the harness uses
 * this without linking MPI). A benchmark's record replaces it with what the running library says
 * (exa_provenance_software_mpi in mpi/). */
static json_t *mpi_build_facts(void)
{
    char lib[128] = "unknown", standard[16] = "";
#if defined(OMPI_MAJOR_VERSION)
    snprintf(lib, sizeof lib, "Open MPI v%d.%d.%d (compiled against)", OMPI_MAJOR_VERSION,
             OMPI_MINOR_VERSION, OMPI_RELEASE_VERSION);
#elif defined(MPICH_VERSION)
    snprintf(lib, sizeof lib, "MPICH %s (compiled against)", MPICH_VERSION);
#endif
#if defined(MPI_VERSION) && defined(MPI_SUBVERSION)
    snprintf(standard, sizeof standard, "%d.%d", MPI_VERSION, MPI_SUBVERSION);
#endif
    return json_pack("{s:s, s:s}", "library", lib, "standard", standard);
}

json_t *exa_provenance_software_with(json_t *mpi)
{
    json_t *sw = json_object();
    json_object_set_new(sw, "mpi", mpi ? mpi : json_null());
    const char *blas = exa_blas_config();
    json_object_set_new(sw, "blas", blas ? json_string(blas) : json_null());
    json_t *kernels = exa_blas_kernels_json();
    if (kernels)
        json_object_set_new(sw, "blas_kernels", kernels);
    json_object_set_new(sw, "build",
                        json_pack("{s:s, s:s, s:s, s:s}", "exabench", exa_version(), "git_commit",
                                  EXA_BUILD_GIT_COMMIT, "cc", EXA_BUILD_CC, "cflags",
                                  EXA_BUILD_CFLAGS));
    json_object_set_new(sw, "environment", exa_provenance_environment());
    return sw;
}

json_t *exa_provenance_software(void) { return exa_provenance_software_with(mpi_build_facts()); }
