#!/bin/sh
# compare_vmap.sh: samlab's steps beside PyTorch's on the same LibTorch, interleaved.
#
#   bench/compare_vmap.sh SAMLAB PYTHON [BATCH...]
#
# SAMLAB is a samlab binary built against the LibTorch of PYTHON's torch
# (make torch LIBTORCH=<site-packages>/torch gives bin/samlab-torch-<version>);
# PYTHON has torch >= 2.0 (torch.func). For each batch size (default 32 128)
# and each of two rounds it runs, one process per method so that the peak
# resident memory is the method's own: samlab sgd, PyTorch sgd, samlab 1sam,
# PyTorch 1sam (torch.func.vmap over the whole batch). ResNet18 with
# LayerNorm (GroupNorm with one group) on random CIFAR-shaped data, 2 threads.
# Each line: tool, method, batch, round, seconds a step, peak RSS in MiB.
# Steps: STEPS (default 2) timed after one warm-up step.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 SAMLAB PYTHON [BATCH...]" >&2; exit 2; }
samlab=$1 py=$2
shift 2
[ $# -gt 0 ] || set -- 32 128
steps=${STEPS:-2}
here=$(dirname "$0")
export OMP_NUM_THREADS=2
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
peak() { awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2 / 1024}' "$tmp"; }
echo "tool method batch round s/step peak_MiB"
for b in "$@"; do
	for r in 1 2; do
		for m in sgd 1sam; do
			s=$(/usr/bin/time -v -o "$tmp" "$samlab" speed --model resnet18 --norm ln --batch "$b" \
				--methods "$m" --steps "$steps" --warmup 1 --threads 2 2>/dev/null |
				awk -v m="$m" '$1 == m && $2 ~ /^[0-9.]+$/ {print $2; exit}')
			echo "samlab $m $b $r ${s:-?} $(peak)"
			s=$(/usr/bin/time -v -o "$tmp" "$py" "$here/pytorch_resnet18.py" --norm ln --batch "$b" \
				--methods "$m" --steps "$steps" --warmup 1 --threads 2 2>/dev/null |
				awk -v m="$m" '$1 == m && $2 ~ /^[0-9.]+$/ {print $2; exit}')
			echo "pytorch $m $b $r ${s:-?} $(peak)"
		done
	done
done
