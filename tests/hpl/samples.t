#!/usr/bin/env bash
# exa-hpl's within-run rate samples (results.update_rate_samples, metrics.update_rate): present
# and positive on 1, 2 and 4 ranks, the groups' modelled work adding up to the LU's, the tail
# left out, the median near the run's Gflop/s, one record's samples per run, and a failed run
# still marked invalid.
source "$(dirname "$0")/../lib/tap.sh"
source "$(dirname "$0")/../lib/hpl_dat.sh"
HPL=$BIN/exa-hpl
[ -x "$HPL" ] || skip_all "exa-hpl not built"
export EXA_HPL_CALIBRATE_N=0
R=("${MPIRUN[@]}")

# checks_for FILE N NB WHAT [median]: the record's samples against the rule and the model, and
# with "median" their median against the run's Gflop/s (only for runs of N >= 2000 with a core per
# rank: smaller or oversubscribed runs last a few scheduler time slices, and their samples show it)
checks_for() {
    local f=$1 n=$2 nb=$3 what=$4 median=${5:-}
    local s="r['results']['update_rate_samples']"
    json_true "$what: samples present, positive, in Gflop/s, enough for compare (>= 4)" "$f" \
        "$s['unit']=='Gflop/s' and $s['count']==len($s['values'])>=4 and all(v>0 for v in $s['values']) and all(t>0 for t in $s['seconds'])"
    json_true "$what: one trailing fraction, time, work and panel range per value" "$f" \
        "all(len($s[k])==$s['count'] for k in ('trailing_fraction','seconds','seconds_max','flops','first_panel','panels'))"
    json_true "$what: each value is the group's modelled flops over its time" "$f" \
        "all(abs(v-fl/t/1e9)<=1e-9*v for v,fl,t in zip($s['values'],$s['flops'],$s['seconds']))"
    json_true "$what: the groups' work adds up to the N x N LU (2/3 N^3 - 1/2 N^2 - 1/6 N)" "$f" \
        "abs($s['model_flops_total']-($n*($n-1)*(4*$n+1)//6))<=1e-12*$s['model_flops_total'] and abs(sum($s['flops'])+$s['tail']['flops']-$s['model_flops_total'])<=1e-12*$s['model_flops_total']"
    json_true "$what: model 2 N^2 + N/6 below the flops HPL credits (2/3 N^3 + 3/2 N^2)" "$f" \
        "0 < r['results']['flops']-$s['model_flops_total'] <= 2*$n*$n+2*$n"
    json_true "$what: the tail is excluded (every sample leaves >= 25% of N; the tail is not empty)" "$f" \
        "min($s['trailing_fraction'])>=0.25 and $s['tail']['groups']>=1 and $s['tail']['flops']>0 and $s['count']+$s['tail']['groups']==$s['groups']"
    json_true "$what: samples are the leading groups, whole panels of NB, in order" "$f" \
        "$s['first_panel'][0]==0 and all($s['first_panel'][i+1]==$s['first_panel'][i]+$s['panels'][i] for i in range($s['count']-1)) and all(abs(tf-($n-(p0+k)*$nb)/$n)<1e-12 for tf,p0,k in zip($s['trailing_fraction'],$s['first_panel'],$s['panels']))"
    json_true "$what: samples' time within the run's (means over ranks)" "$f" \
        "sum($s['seconds'])<=$s['covered_s']<=r['results']['time_s']*1.001 and all(a<=b*(1+1e-12) for a,b in zip($s['seconds'],$s['seconds_max']))"
    [ "$median" = median ] && json_true "$what: median within 0.5x-2x of the run's Gflop/s" "$f" \
        "0.5 <= $s['median']/r['results']['gflops'] <= 2"
    json_true "$what: metric update_rate = median, samples = the values, higher is better" "$f" \
        "r['metrics']['update_rate']['unit']=='Gflop/s' and r['metrics']['update_rate']['direction']=='higher' and r['metrics']['update_rate']['samples']==$s['values'] and r['metrics']['update_rate']['value']==$s['median']"
    json_true "$what: gflops' samples are still the one repetition" "$f" \
        "r['metrics']['gflops']['samples']==[r['metrics']['gflops']['value']]"
}

for grid in 1x1 1x2 2x2; do
    p=${grid%x*} q=${grid#*x}
    expect_exit 0 "$grid N=3000 NB=128 with a record" "${R[@]}" -np $((p * q)) "$HPL" -N 3000 --nb 128 \
        -P "$p" -Q "$q" --json "$T/s$grid.json"
    output_has "$grid: the samples summarised in the text output" \
        "^exa-hpl: [0-9]+ within-run rate samples .* median [0-9.]+e[+-][0-9]+ Gflop/s"
    json_true "$grid: a valid record" "$T/s$grid.json" "r['valid'] is True and r['verification']['passed'] is True"
    # Oversubscribed ranks share cores by time slices, so a group's rate then says more about the
    # scheduler than about the update: the median check only where each rank has a core.
    med=median; [ $((p * q)) -gt "$(nproc)" ] && med=
    checks_for "$T/s$grid.json" 3000 128 "$grid" $med
done

# NB does not divide N, and the default NB
expect_exit 0 "1x2 N=2001 (NB 192 does not divide it)" "${R[@]}" -np 2 "$HPL" -N 2001 -P 1 -Q 2 --json "$T/odd.json"
checks_for "$T/odd.json" 2001 192 "1x2 N=2001"

# an idle rank outside the grid takes no part
expect_exit 0 "3 ranks on a 1x2 grid" "${R[@]}" -np 3 "$HPL" -N 1600 --nb 64 -P 1 -Q 2 --json "$T/idle.json"
checks_for "$T/idle.json" 1600 64 "idle rank"

# two runs of one invocation: each record carries its own run's samples
hpl_dat_text ns="1200 1600" nbs=64 qs=2 > "$T/two.dat"
expect_exit 0 "two runs from HPL.dat" "${R[@]}" -np 2 "$HPL" "$T/two.dat" --json "$T/multi.json"
checks_for "$T/multi.1.json" 1200 64 "HPL.dat run 1"
checks_for "$T/multi.2.json" 1600 64 "HPL.dat run 2"

# a run too small for any sample: no metric, and no empty sample list
expect_exit 0 "N=40: too small for samples" "${R[@]}" -np 2 "$HPL" -N 40 --nb 64 -P 1 -Q 2 --json "$T/tiny.json"
json_true "N=40: no update_rate metric, the one group is the tail" "$T/tiny.json" \
    "'update_rate' not in r['metrics'] and r['results']['update_rate_samples']['count']==0 and r['results']['update_rate_samples']['tail']['groups']==1"

# a failed residual still makes the record invalid, samples or not
expect_exit 1 "perturbed solution: exit 1" "${R[@]}" -np 2 "$HPL" -N 1600 --nb 64 -P 1 -Q 2 \
    --perturb-solution --json "$T/pert.json"
json_true "perturbed solution: record invalid, verification failed" "$T/pert.json" \
    "r['valid'] is False and r['verification']['passed'] is False and r['verification']['value'] > 16 and r['results']['residual']['status']=='FAILED'"
json_true "perturbed solution: the samples are recorded all the same" "$T/pert.json" \
    "r['results']['update_rate_samples']['count']>=4"
done_testing
