#!/usr/bin/env python3
"""make_run.py: a synthetic results folder (records/ only) for the tests of `exabench compare`,
built from the real records in tests/data/verdict (exa-hpl N=3000 NB=32 with its within-run
update_rate_samples, exa-stream, exa-comm latency and bw, all recorded on the project's VM).

    make_run.py DIR [--seed S] [--reps R] [--noise PCT] [--within-noise PCT]
                    [--factor F] [--factor-bench B] [--drop BENCH[/TEST]] [--no-within]

Each template gives R runs (records). A run's performance factor is F (for every benchmark, or
only B's with --factor-bench) times (1 + noise x a normal deviate), drawn once per run: higher is
better metrics are multiplied by it, lower is better ones divided. Each within-run sample of
exa-hpl (results.update_rate_samples.values, and the update_rate metric's samples) is further
multiplied by (1 + within-noise x its own deviate), so two folders never share the same
iterations; update_rate's value is their median, as exa-hpl writes it. --drop leaves a benchmark
(or one test of it) out, --no-within removes the within-run samples. Deterministic per seed.
"""
import argparse
import copy
import json
import os
import random
import statistics

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'data', 'verdict')
TEMPLATES = ['hpl.json', 'stream.json', 'comm-latency.json', 'comm-bw.json']


def scaled(v, f, higher):
    return v * f if higher else v / f


def one_run(tpl, f, rng, a):
    r = copy.deepcopy(tpl)
    within = r.get('results', {}).get('update_rate_samples')
    for name, m in r['metrics'].items():
        higher = m.get('direction', 'higher') != 'lower'
        if name == 'update_rate' and within:
            continue
        m['value'] = scaled(m['value'], f, higher)
        if 'samples' in m:
            m['samples'] = [scaled(x, f, higher) for x in m['samples']]
    if within:
        if a.no_within:
            del r['results']['update_rate_samples']
            r['metrics'].pop('update_rate', None)
        else:
            vals = [x * f * (1 + a.within_noise / 100 * rng.gauss(0, 1)) for x in within['values']]
            within['values'] = vals
            um = r['metrics']['update_rate']
            um['value'] = statistics.median(vals)
            um['samples'] = vals
    return r


def main():
    p = argparse.ArgumentParser()
    p.add_argument('dir')
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--reps', type=int, default=1)
    p.add_argument('--noise', type=float, default=0.0)
    p.add_argument('--within-noise', type=float, default=1.0)
    p.add_argument('--factor', type=float, default=1.0)
    p.add_argument('--factor-bench')
    p.add_argument('--drop', action='append', default=[])
    p.add_argument('--no-within', action='store_true')
    a = p.parse_args()
    rng = random.Random(a.seed)
    os.makedirs(os.path.join(a.dir, 'records'))
    n = 0
    for t in TEMPLATES:
        tpl = json.load(open(os.path.join(DATA, t)))
        bench, test = tpl['benchmark'], tpl.get('test') or ''
        if bench in a.drop or '%s/%s' % (bench, test) in a.drop:
            continue
        for rep in range(a.reps):
            f = a.factor if a.factor_bench in (None, bench) else 1.0
            f *= 1 + a.noise / 100 * rng.gauss(0, 1)
            rec = one_run(tpl, f, rng, a)
            n += 1
            path = os.path.join(a.dir, 'records', 'r%05d.json' % n)
            with open(path, 'w') as out:
                json.dump(rec, out, indent=1)
    print('make_run: %s: %d records' % (a.dir, n))


main()
