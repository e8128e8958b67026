#!/usr/bin/env bash
# exa-hpl's command line, bad input (exit 2 from rank 0 only, no hang), run rules and the record.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/hpl_dat.sh"
HPL=$BIN/exa-hpl
require_bin "$HPL"
export EXA_HPL_CALIBRATE_N=0
R=("${MPIRUN[@]}")

expect_exit 0 "--help" "$HPL" --help
output_has "--help shows usage" "^Usage: exa-hpl"
output_has "--help documents the T/V code" "WR1IR2R8"
expect_exit 0 "--version" "$HPL" --version
output_has "--version names the suite" "exabench"

expect_exit 2 "unknown option" "$HPL" --frobnicate
output_has "unknown option named" "unknown option '--frobnicate'"
expect_exit 2 "-N 0 refused" "$HPL" -N 0
output_has "-N 0 named" "error: -N '0'"
expect_exit 2 "-N not a number" "$HPL" -N abc
expect_exit 2 "--nb 0 refused" "$HPL" -N 100 --nb 0
output_has "--nb 0 named" "error: --nb '0'"
expect_exit 2 "--nb negative refused" "$HPL" -N 100 -NB -8
expect_exit 2 "--pmap bad" "$HPL" -N 100 --pmap diagonal
output_has "--pmap named" "--pmap 'diagonal': expected row or col"
expect_exit 2 "--pfact bad" "$HPL" -N 100 --pfact upward
output_has "--pfact named with its choices" "--pfact 'upward': expected left, crout or right"
expect_exit 2 "--bcast bad" "$HPL" -N 100 --bcast 3rg
output_has "--bcast named with its choices" "--bcast '3rg': expected 1rg, 1rM, 2rg, 2rM, Lng, LnM"
expect_exit 2 "--swap bad" "$HPL" -N 100 --swap ring
output_has "--swap named with its choices" "--swap 'ring': expected bin-exch, long or mix"
expect_exit 2 "EXA_HPL_SWAP_PIECE 0 refused" env EXA_HPL_SWAP_PIECE=0 "$HPL" -N 100
output_has "EXA_HPL_SWAP_PIECE: the variable and its value named" "EXA_HPL_SWAP_PIECE '0'.*out of range"
expect_exit 2 "EXA_HPL_SWAP_PIECE not a number refused" env EXA_HPL_SWAP_PIECE=wide "$HPL" -N 100
expect_exit 2 "--swap-threshold negative" "$HPL" -N 100 --swap-threshold -1
expect_exit 2 "--rfact out of HPL.dat's codes" "$HPL" -N 100 --rfact 3
output_has "--rfact named" "--rfact '3': expected left, crout or right"
expect_exit 2 "no problem size" "$HPL"
output_has "says what is missing" "give the problem size"
expect_exit 2 "--mem-fraction out of range" "$HPL" --mem-fraction 1.5

expect_exit 2 "P x Q larger than the ranks" "${R[@]}" -np 2 "$HPL" -N 100 -P 2 -Q 2
output_has "grid too large explained" "the 2 x 2 grid needs 4 ranks but only 2 were launched"
n=$(grep -c "needs 4 ranks" "$T/last.out"); [ "$n" -eq 1 ]; ok $? "error printed by rank 0 only ($n)"
expect_exit 2 "N too large for memory" "${R[@]}" -np 2 "$HPL" -N 3000000 -P 1 -Q 2
output_has "memory need stated" "N=3000000 NB=192 on a 1 x 2 grid needs [0-9.]+ TiB on a node .* but only .* is available"

# a verified run and its record
expect_exit 0 "1x2 run with a record" "${R[@]}" -np 2 "$HPL" -N 120 --nb 16 -P 1 -Q 2 --json "$T/r.json"
output_has "HPL header line" "^T/V +N +NB +P +Q +Time +Gflops$"
output_has "HPL result line" "^WR1IR2R8 +120 +16 +1 +2 +[0-9.]+ +[0-9.]+e[+-][0-9]+$"
output_has "HPL residual line" "^\|\|Ax-b\|\|_oo/\(eps\*\(\|\|A\|\|_oo\*\|\|x\|\|_oo\+\|\|b\|\|_oo\)\*N\)= +[0-9.]+e-[0-9]+ \.\.\.\.\.\. PASSED$"
output_has "HPL summary" "1 tests completed and passed residual checks"
json_true "record: benchmark, variant, parameters" "$T/r.json" \
    "r['benchmark']=='hpl' and r['variant']=='cpu' and r['parameters']['n']==120 and r['parameters']['nb']==16 and r['parameters']['variant']['tv']=='WR1IR2R8' and r['parameters']['variant']['depth']==1"
json_true "record: phase times" "$T/r.json" \
    "sorted(r['results']['phases_s'])==['broadcast','panel','solve','swap','update'] and len(r['results']['phases_s']['update']['per_rank'])==2"
json_true "record: gflops metric with efficiency" "$T/r.json" \
    "r['metrics']['gflops']['unit']=='Gflop/s' and r['metrics']['gflops']['value']>0 and r['metrics']['time']['unit']=='s'"
json_true "record: verified, valid, compliant" "$T/r.json" \
    "r['verification']['passed'] is True and r['verification']['threshold']==16 and r['valid'] is True and r['compliance']['compliant'] is True"
json_true "record: peak RSS, rpeak, grid cores" "$T/r.json" \
    "r['results']['peak_rss_bytes']['max']>0 and r['results']['grid_cores']==2 and 'rpeak_nominal_gflops' in r['results']['rpeak'] and r['results']['idle_ranks']==0"
json_true "record: residual and its norms" "$T/r.json" \
    "0 < r['results']['residual']['scaled'] < 16 and r['results']['residual']['status']=='PASSED'"

expect_exit 0 "--bcast LnM on a 1x3 grid" "${R[@]}" -np 3 "$HPL" -N 90 --nb 16 -P 1 -Q 3 --bcast lnm --json "$T/lnm.json"
output_has "T/V code: BCAST 5" "^WR15R2R8 +90 +16 +1 +3 "
json_true "record: the broadcast's name" "$T/lnm.json" "r['parameters']['variant']['bcast']=='LnM' and r['parameters']['variant']['tv']=='WR15R2R8'"
json_true "record: MPI_Ibcast and long swap by default" "$T/r.json" "r['parameters']['variant']['bcast']=='MPI_Ibcast' and r['parameters']['variant']['swap']=='long' and 'swap_threshold' not in r['parameters']['variant']"
expect_exit 0 "--swap mix --swap-threshold 32 on a 2x1 grid" "${R[@]}" -np 2 "$HPL" -N 90 --nb 16 -P 2 -Q 1 --swap mix --swap-threshold 32 --json "$T/mix.json"
json_true "record: mix and its threshold" "$T/mix.json" "r['parameters']['variant']['swap']=='mix' and r['parameters']['variant']['swap_threshold']==32"
json_true "record: the BLAS kernels in use" "$T/r.json" "len(r['provenance']['software']['blas_kernels']['name']) > 0"

# OpenBLAS kernels below the CPU's ISA draw a warning with the remedy, and the record says so
# (forced here with OPENBLAS_CORETYPE=Prescott, SSE3 kernels, on a CPU with AVX2)
if grep -qw avx2 /proc/cpuinfo && grep -qw fma /proc/cpuinfo; then
    fits=Haswell; grep -qw avx512f /proc/cpuinfo && fits=SkylakeX
    expect_exit 0 "SSE3 kernels on an AVX2 CPU: the run still passes" env OPENBLAS_CORETYPE=Prescott \
        "${R[@]}" -np 1 -x OPENBLAS_CORETYPE "$HPL" -N 60 --nb 16 --json "$T/sse.json"
    output_has "warning names the kernels and the remedy" \
        "warning: OpenBLAS .* runs its Prescott kernels .*OPENBLAS_CORETYPE=$fits"
    json_true "record: the warning beside the kernels" "$T/sse.json" \
        "r['provenance']['software']['blas_kernels']['name']=='Prescott' and 'OPENBLAS_CORETYPE=$fits' in r['provenance']['software']['blas_kernels']['warning'] and r['provenance']['software']['blas_kernels']['suggested_coretype']=='$fits'"
    expect_exit 0 "kernels that fit the CPU ($fits)" env OPENBLAS_CORETYPE=$fits \
        "${R[@]}" -np 1 -x OPENBLAS_CORETYPE "$HPL" -N 60 --nb 16 --json "$T/fit.json"
    output_lacks "no warning then" "kernels on this CPU"
    json_true "record: no warning" "$T/fit.json" "'warning' not in r['provenance']['software']['blas_kernels']"
else
    skip "the kernel check needs a CPU with AVX2 and FMA" 6
fi

# run rules: negative threshold, idle ranks
expect_exit 1 "negative threshold: check off, exit 1" "${R[@]}" -np 2 "$HPL" -N 60 --nb 8 -Q 2 --threshold -1 --json "$T/neg.json"
output_has "negative threshold flagged in the output" "NON-COMPLIANT"
output_has "residual line says SKIPPED" "\.\.\.\.\.\. SKIPPED$"
json_true "negative threshold: record non-compliant" "$T/neg.json" \
    "r['compliance']['compliant'] is False and any('negative' in v for v in r['compliance']['violations'])"
expect_exit 0 "3 ranks on a 1x2 grid" "${R[@]}" -np 3 "$HPL" -N 60 --nb 8 -P 1 -Q 2 --json "$T/idle.json"
output_has "idle rank reported" "1 of 3 ranks idle outside the 1 x 2 grid"
json_true "idle rank in the record, only the grid's cores counted" "$T/idle.json" \
    "r['results']['idle_ranks']==1 and r['results']['grid_ranks']==2 and r['results']['grid_cores']==2"

# several runs: one record per run with the run number before the extension; '-' to stdout
hpl_dat_text ns="40 50" nbs=8 qs=2 > "$T/two.dat"
expect_exit 0 "two runs from HPL.dat with --json" "${R[@]}" -np 2 "$HPL" "$T/two.dat" --json "$T/multi.json"
json_true "first run's record in multi.1.json" "$T/multi.1.json" "r['parameters']['n']==40"
json_true "second run's record in multi.2.json" "$T/multi.2.json" "r['parameters']['n']==50"
expect_exit 0 "--json - prints the record" "${R[@]}" -np 2 "$HPL" -N 40 --nb 8 -Q 2 --json -
output_has "record on stdout" '"benchmark": *"hpl"'

# --mem-fraction: the largest multiple of NB that fits
expect_exit 0 "--mem-fraction sizes N" "${R[@]}" -np 2 "$HPL" --mem-fraction 0.0005 --nb 32 -Q 2 --json "$T/mf.json"
json_true "--mem-fraction: N a multiple of NB with 8N^2 <= F x MemTotal" "$T/mf.json" \
    "r['parameters']['n'] % 32 == 0 and r['parameters']['n'] > 0 and 8*r['parameters']['n']**2 <= 0.0005*int([l.split()[1] for l in open('/proc/meminfo') if l.startswith('MemTotal')][0])*1024 < 8*(r['parameters']['n']+32)**2"

# --papi: counters around the timed region go into the record
if have_papi; then
    expect_exit 0 "--papi with a software event" "${R[@]}" -np 2 "$HPL" -N 80 --nb 16 -Q 2 --papi perf::TASK-CLOCK --json "$T/papi.json"
    json_true "--papi: counters in the record" "$T/papi.json" "'perf::TASK-CLOCK' in r['counters']['events']"
else
    expect_exit 2 "--papi in a PAPI=0 build is refused" "${R[@]}" -np 2 "$HPL" -N 80 --nb 16 -Q 2 --papi perf::TASK-CLOCK
    output_has "--papi in a PAPI=0 build says why" "no PAPI"
fi

# memory: the local matrix stays within 1.05 x 8 N^2 / (P Q)
json_true "local matrix within 1.05 x 8N^2/PQ" "$T/r.json" \
    "r['results']['matrix_bytes_rank0'] <= 1.05*8*120*120/2 + 8*120*16"
done_testing
