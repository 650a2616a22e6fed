#!/usr/bin/env bash
# gpu_check.sh: the GPU check of samlab's LibTorch build (docs/torch-build.md).
#
# Runs on a GPU machine that has Python with PyTorch 2.x + CUDA but no Go and
# no network: the samlab binary comes prebuilt in build/gpu-bundle (`make
# gpu-bundle` here, against the same PyTorch release), and finds libtorch at
# run time in that machine's torch (LD_LIBRARY_PATH = <torch>/lib and the pip
# nvidia/*/lib folders beside it). It reports, at batch 128 on ResNet18 (CIFAR
# stem):
#   - images/s of samlab speed for sgd, sam, regsgd (BatchNorm) and 1sam,
#     lsam, jsam (LayerNorm), beside bench/pytorch_resnet18.py's eager sgd and
#     sam and torch.func (vmap) 1sam; the epoch time (50,000 images) each
#     implies; GPU memory per method (samlab: nvidia-smi sampled during the
#     run, minus the idle baseline, so CUDA context included; PyTorch: the
#     same, and torch.cuda.max_memory_allocated);
#   - a 2-epoch `samlab train` on synthetic CIFAR10 (real binary format),
#     interrupted with SIGINT mid-run and continued with --resume: metrics.csv
#     must end with 2 rows;
# and prints one Markdown table. A hard time guard (TIME_LIMIT, default 470 s)
# ends everything; each step has its own timeout inside it.
#
#   build/gpu-bundle/gpu_check.sh                   # on the GPU machine (or scripts/gpu_check.sh)
#   DEVICE=cpu SMALL=1 PYTHON=build/venv-torch/bin/python scripts/gpu_check.sh   # dry run without a GPU
#
# Environment: DEVICE (cuda), SMALL (0; 1 shrinks models, sizes and steps),
# PYTHON (python3: the Python whose torch supplies libtorch), BUNDLE (the
# folder with samlab; default: this script's folder if samlab is there, else
# build/gpu-bundle), LOGDIR (default $OUT, else gpu-check beside the bundle:
# build/gpu-check), TIME_LIMIT,
# BATCH (128), STEPS (20), PE_STEPS (3, the per-example methods), CHUNK (0:
# automatic, the whole batch on a GPU; passed as --chunk only when set and
# `samlab speed -h` has it), FORM (auto: the ghost form where it is cheaper,
# passed as --form where samlab has it; the row "1sam grouped" runs 1-SAM
# with --form grouped beside it, so the ghost path's gain is measured),
# TWIN_CHUNK (0: whole batch in one vmap), THREADS (0: LibTorch's default).
set -uo pipefail

TIME_LIMIT=${TIME_LIMIT:-470}
if [ -z "${GPU_CHECK_GUARDED:-}" ]; then
  export GPU_CHECK_GUARDED=1
  exec timeout --kill-after=10 "$TIME_LIMIT" bash "$0" "$@"
fi
T0=$(date +%s)

here=$(cd "$(dirname "$0")" && pwd)
if [ -x "$here/samlab" ]; then root=$here; else root=$(cd "$here/.." && pwd); fi
BUNDLE=${BUNDLE:-$( [ -x "$here/samlab" ] && echo "$here" || echo "$root/build/gpu-bundle")}
DEVICE=${DEVICE:-cuda}
SMALL=${SMALL:-0}
PYTHON=${PYTHON:-python3}
LOGDIR=${LOGDIR:-${OUT:-$(dirname "$BUNDLE")/gpu-check}}
BATCH=${BATCH:-128}
STEPS=${STEPS:-20}
PE_STEPS=${PE_STEPS:-3}
WARMUP=${WARMUP:-3}
CHUNK=${CHUNK:-0}
FORM=${FORM:-auto}
TWIN_CHUNK=${TWIN_CHUNK:-0}
THREADS=${THREADS:-0}
MODEL=(--model resnet18)
TWIN_SIZE=()
TRAIN_N=20000 TEST_N=2000 TRAIN_ARGS=(--model resnet18 --norm bn --batch 128 --eval-train 2000)
if [ "$SMALL" = 1 ]; then
  BATCH=8 STEPS=2 PE_STEPS=1 WARMUP=1 CHUNK=4
  MODEL=(--model cnn --width 0.25)
  TWIN_SIZE=(--width 0.125)
  TRAIN_N=200 TEST_N=64 TRAIN_ARGS=(--model cnn --width 0.25 --norm bn --batch 2 --train-subset 64 --test-subset 64 --eval-train 64)
fi
SAMLAB=$BUNDLE/samlab
TWIN=$BUNDLE/pytorch_resnet18.py
[ -f "$TWIN" ] || TWIN=$root/bench/pytorch_resnet18.py
mkdir -p "$LOGDIR"
RESULTS=$LOGDIR/results.tsv
: > "$RESULTS"

say() { printf '[%3ds] %s\n' $(($(date +%s) - T0)) "$*"; }
die() { say "FAIL: $*"; exit 1; }
left() { echo $((TIME_LIMIT - 15 - ($(date +%s) - T0))); }
# limit N: N seconds or what is left of the guard, whichever is less (at least 1).
limit() { local l; l=$(left); [ "$l" -lt "$1" ] && echo $((l > 1 ? l : 1)) || echo "$1"; }
epoch_s() { awk -v r="$1" 'BEGIN { if (r + 0 > 0) printf "%.1f", 50000 / r; else printf "-" }'; }
# result KEY VALUE: one fact for the table (results.tsv survives a timeout).
result() { printf '%s\t%s\n' "$1" "$2" >> "$RESULTS"; }
get() { awk -F'\t' -v k="$1" '$1 == k { v = $2 } END { print (v == "" ? "-" : v) }' "$RESULTS"; }

# fg CMD...: run CMD as a background child and wait for it, so that the time
# guard's TERM interrupts the wait at once (a foreground child would delay the
# trap until it ends) and the trap can stop it.
CHILD=
fg() { "$@" & CHILD=$!; wait "$CHILD"; local rc=$?; CHILD=; return $rc; }

# GPU memory sampling (nvidia-smi, GPU 0) around one command.
GPU_SMI=0
if [ "$DEVICE" != cpu ] && command -v nvidia-smi > /dev/null; then GPU_SMI=1; fi
mem_now() { nvidia-smi -i 0 --query-gpu=memory.used --format=csv,noheader,nounits 2>/dev/null | head -1 | tr -dc 0-9; }
# sampled NAME CMD...: run CMD with nvidia-smi sampling; sets PEAK_MIB.
sampled() {
  local name=$1; shift
  PEAK_MIB=-
  if [ "$GPU_SMI" = 1 ]; then
    local base; base=$(mem_now)
    nvidia-smi -i 0 --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > "$LOGDIR/mem-$name.txt" 2>/dev/null &
    local smi=$!
    fg "$@"; local rc=$?
    kill "$smi" 2>/dev/null; wait "$smi" 2>/dev/null
    PEAK_MIB=$(awk -v b="${base:-0}" '$1 + 0 > m { m = $1 + 0 } END { if (m > 0) printf "%d", m - b; else printf "-" }' "$LOGDIR/mem-$name.txt")
    return $rc
  fi
  fg "$@"
}

finish() {
  echo
  echo "## samlab GPU check: $(get env.device), $(get env.torch)"
  echo
  echo "batch $BATCH, $( [ "$SMALL" = 1 ] && echo "SMALL=1 (samlab: cnn width 0.25, PyTorch: ResNet18 width 0.125; not comparable)" || echo "ResNet18 (CIFAR stem)"), device $DEVICE; epoch = 50,000 images at the measured rate; GPU MiB: nvidia-smi peak minus idle (CUDA context included); samlab own peak: what samlab speed reports (where it has the column); torch peak: torch.cuda.max_memory_allocated."
  echo
  echo "| method | norm | samlab img/s | samlab epoch s | samlab GPU MiB | samlab own peak MiB | samlab chunk | PyTorch img/s | PyTorch epoch s | PyTorch GPU MiB | PyTorch torch peak MiB |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  local m n
  for m in sgd sam regsgd 1sam 1sam-grouped lsam jsam; do
    case $m in sgd | sam | regsgd) n=bn ;; *) n=ln ;; esac
    local s p
    s=$(get "samlab.$m.ips") p=$(get "torch.$m.ips")
    echo "| ${m/-/ }$( [ "$m" = 1sam ] && [ "$p" != - ] && echo ' (PyTorch: vmap)') | $n | $s | $(epoch_s "$s") | $(get "samlab.$m.mib") | $(get "samlab.$m.own") | $(get "samlab.$m.chunk") | $p | $(epoch_s "$p") | $(get "torch.$m.mib") | $(get "torch.$m.peak") |"
  done
  echo
  echo "| train/resume check | result |"
  echo "|---|---|"
  echo "| interrupt (SIGINT) | $(get train.interrupt) |"
  echo "| resume | $(get train.resume) |"
  echo "| metrics.csv rows | $(get train.rows) |"
  echo "| train img/s (epoch 2) | $(get train.ips) |"
  echo
  echo "total $(($(date +%s) - T0)) s; logs in $LOGDIR"
}
# The trap may run inside a step's redirection: write to the script's own stdout (fd 3).
exec 3>&1
trap 'say "time guard ($TIME_LIMIT s) reached" >&3; [ -n "$CHILD" ] && kill -TERM "$CHILD" 2>/dev/null; finish 2>&3 | tee "$LOGDIR/summary.md" >&3; exit 124' TERM

# 1. The machine and the libtorch to use.
[ -x "$SAMLAB" ] || die "no samlab binary at $SAMLAB (make gpu-bundle on a machine with Go, then carry build/gpu-bundle)"
torchinfo=$("$PYTHON" - <<'PY' 2>/dev/null
import os, torch
print(os.path.dirname(torch.__file__))
print(torch.__version__)
print(int(torch.cuda.is_available()))
PY
) || die "$PYTHON cannot import torch"
TORCH_DIR=$(sed -n 1p <<< "$torchinfo")
TORCH_VER=$(sed -n 2p <<< "$torchinfo")
TORCH_CUDA=$(sed -n 3p <<< "$torchinfo")
libs=$TORCH_DIR/lib
for d in "$TORCH_DIR"/../nvidia/*/lib; do [ -d "$d" ] && libs=$libs:$(cd "$d" && pwd); done
export LD_LIBRARY_PATH=$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
say "PyTorch $TORCH_VER at $TORCH_DIR (cuda available: $TORCH_CUDA)"
[ -f "$BUNDLE/BUILD-INFO" ] && say "bundle: $(tr '\n' ';' < "$BUNDLE/BUILD-INFO")"
if [ "$GPU_SMI" = 1 ]; then
  nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader | tee "$LOGDIR/gpu.txt"
  result env.device "$(head -1 "$LOGDIR/gpu.txt")"
else
  result env.device "$DEVICE"
fi
missing=$(ldd "$SAMLAB" 2>&1 | grep 'not found')
[ -z "$missing" ] || die "samlab cannot find its libraries: $missing"
timeout "$(limit 60)" "$SAMLAB" env > "$LOGDIR/env.txt" 2>&1 || { cat "$LOGDIR/env.txt"; die "samlab env failed"; }
cat "$LOGDIR/env.txt"
result env.torch "samlab on $(sed -n 's/^libtorch version: //p' "$LOGDIR/env.txt"), PyTorch $TORCH_VER"
loaded=$(sed -n 's/^libtorch loaded: //p' "$LOGDIR/env.txt")
case $loaded in "$(cd "$TORCH_DIR/lib" && pwd -P)"/* | "$TORCH_DIR/lib"/*) ;; *) say "warning: samlab loaded $loaded, not $TORCH_DIR/lib" ;; esac
if [ "$DEVICE" != cpu ]; then
  grep -q '^cuda available: true' "$LOGDIR/env.txt" || die "samlab sees no CUDA device (see $LOGDIR/env.txt)"
  [ "$TORCH_CUDA" = 1 ] || die "PyTorch sees no CUDA device"
fi
threads=()
[ "$THREADS" -gt 0 ] && threads=(--threads "$THREADS")

# 2. samlab speed, one process per method (memory per method).
chunk=() form=() grouped=()
help=$("$SAMLAB" speed -h 2>&1)
if [[ $help == *"-chunk"* ]] && [ "$CHUNK" -gt 0 ]; then chunk=(--chunk "$CHUNK"); fi
if [[ $help == *"-form"* ]]; then form=(--form "$FORM") grouped=(1sam-grouped); fi
for m in sgd sam regsgd 1sam "${grouped[@]}" lsam jsam; do
  case $m in
    sgd | sam | regsgd) args=(--norm bn --steps "$STEPS" --warmup "$WARMUP") tl=90 ;;
    1sam-grouped) args=(--norm ln --steps "$PE_STEPS" --warmup 1 "${chunk[@]}" --form grouped) tl=150 ;;
    *) args=(--norm ln --steps "$PE_STEPS" --warmup 1 "${chunk[@]}" "${form[@]}") tl=150 ;;
  esac
  [ "$(left)" -gt 20 ] || { say "skip samlab $m: out of time"; result "samlab.$m.ips" "skipped (time)"; continue; }
  say "samlab speed $m ${args[*]}"
  sampled "samlab-$m" timeout "$(limit $tl)" "$SAMLAB" speed --device "$DEVICE" "${MODEL[@]}" --batch "$BATCH" --methods "${m%-grouped}" "${args[@]}" "${threads[@]}" \
    > "$LOGDIR/samlab-$m.txt" 2>&1
  rc=$?
  cat "$LOGDIR/samlab-$m.txt"
  line=$(awk -v m="${m%-grouped}" '$1 == m && $3 + 0 > 0' "$LOGDIR/samlab-$m.txt" | tail -1)
  ips=$(awk '{ print $3 }' <<< "$line")
  if [ "$rc" = 0 ] && [ -n "$ips" ]; then
    result "samlab.$m.ips" "$ips"; result "samlab.$m.mib" "$PEAK_MIB"
    # Newer samlab speed prints "chunk" and "peak MiB" columns after "x SGD".
    if grep -q '^method .*chunk .*peak MiB' "$LOGDIR/samlab-$m.txt"; then
      result "samlab.$m.chunk" "$(awk '{ print $5 }' <<< "$line")"
      result "samlab.$m.own" "$(awk '{ print $6 }' <<< "$line")"
    fi
  else
    result "samlab.$m.ips" "fail (rc $rc)"
  fi
done

# 3. The PyTorch twin, one process per method.
for m in sgd sam 1sam; do
  case $m in
    1sam) args=(--norm ln --steps "$PE_STEPS" --warmup 1 --chunk "$TWIN_CHUNK") tl=150 ;;
    *) args=(--norm bn --steps "$STEPS" --warmup "$WARMUP") tl=90 ;;
  esac
  [ "$(left)" -gt 20 ] || { say "skip PyTorch $m: out of time"; result "torch.$m.ips" "skipped (time)"; continue; }
  say "PyTorch $m ${args[*]}"
  sampled "torch-$m" timeout "$(limit $tl)" "$PYTHON" "$TWIN" --device "$DEVICE" "${TWIN_SIZE[@]}" --batch "$BATCH" --methods "$m" "${args[@]}" "${threads[@]}" \
    > "$LOGDIR/torch-$m.txt" 2>&1
  rc=$?
  cat "$LOGDIR/torch-$m.txt"
  line=$(awk -v m="$m" '$1 == m && $3 + 0 > 0' "$LOGDIR/torch-$m.txt" | tail -1)
  if [ "$rc" = 0 ] && [ -n "$line" ]; then
    result "torch.$m.ips" "$(awk '{ print $3 }' <<< "$line")"
    result "torch.$m.peak" "$(awk '{ print $5 }' <<< "$line")"
    result "torch.$m.mib" "$PEAK_MIB"
  elif grep -q "^$m .*skipped" "$LOGDIR/torch-$m.txt"; then
    result "torch.$m.ips" "n/a (no torch.func)"
  else
    result "torch.$m.ips" "fail (rc $rc)"
  fi
done

# 4. Train 2 epochs on synthetic CIFAR10, interrupt, resume.
# gen_cifar DIR NTRAIN NTEST: CIFAR10 binary batches (label byte + 3072 pixel
# bytes per record; data_batch_1..5.bin and test_batch.bin), each image its
# class's random template with a quarter of it replaced by noise (learnable).
gen_cifar() {
  "$PYTHON" - "$@" <<'PY'
import os, random, sys
d, ntrain, ntest = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(d, exist_ok=True)
rng = random.Random(1)
tmpl = [rng.randbytes(3072) for _ in range(10)]
def write(path, n):
    with open(path, "wb") as f:
        for i in range(n):
            y = rng.randrange(10)
            img = bytearray(tmpl[y])
            s = rng.randrange(3072 - 768)
            img[s:s + 768] = rng.randbytes(768)
            f.write(bytes([y]) + bytes(img))
for k in range(5):
    write(os.path.join(d, "data_batch_%d.bin" % (k + 1)), ntrain // 5)
write(os.path.join(d, "test_batch.bin"), ntest)
PY
}
train_check() {
  local data=$LOGDIR/cifar10-synth run=$LOGDIR/train-run
  rm -rf "$run"
  say "synthetic CIFAR10: $TRAIN_N train, $TEST_N test images in $data"
  gen_cifar "$data" "$TRAIN_N" "$TEST_N" || { result train.interrupt "fail: data generation"; return; }
  local cmd=("$SAMLAB" train --device "$DEVICE" --dataset cifar10 --data "$data" --method sgd --epochs 2 --out "$run" "${TRAIN_ARGS[@]}" "${threads[@]}")
  say "${cmd[*]} (SIGINT after some batches)"
  # The progress bar (stderr) counts batches "(k/N"; interrupt when epoch 1 is
  # a third done, or at the latest as soon as epoch 1 is logged (stdout).
  : > "$LOGDIR/train-1.out"; : > "$LOGDIR/train-1.err"
  timeout "$(limit 150)" "${cmd[@]}" > "$LOGDIR/train-1.out" 2> "$LOGDIR/train-1.err" &
  local pid=$! sent=0 k n
  CHILD=$pid
  while kill -0 "$pid" 2>/dev/null; do
    k=$(tr '\r' '\n' < "$LOGDIR/train-1.err" | grep -o 'epoch 1/2.*([0-9]*/[0-9]*' | tail -1 | sed 's/.*(\([0-9]*\)\/\([0-9]*\)/\1 \2/')
    n=${k#* } k=${k% *}
    if { [ -n "$k" ] && [ "$k" -gt 0 ] && [ $((3 * k)) -ge "${n:-1}" ]; } || grep -q '^epoch 1:' "$LOGDIR/train-1.out"; then
      kill -INT "$pid"; sent=1; break
    fi
    sleep 0.05
  done
  wait "$pid"; local rc=$?
  CHILD=
  cat "$LOGDIR/train-1.out"; tr '\r' '\n' < "$LOGDIR/train-1.err" | grep -v '^ *$' | tail -3
  local msg; msg=$(grep -o 'interrupted at epoch [0-9]*, batch [0-9]*/[0-9]*' "$LOGDIR/train-1.err" | tail -1)
  # An interrupted run saves its state and exits 130 (128 + SIGINT).
  if [ "$sent" = 1 ] && [ -n "$msg" ] && [ "$rc" = 130 ] && [ -f "$run/last.ckpt" ]; then
    result train.interrupt "ok: $msg, last.ckpt saved"
  else
    result train.interrupt "fail (rc $rc, SIGINT sent: $sent${msg:+, $msg})"
    return
  fi
  local before; before=$(($(grep -c . "$run/metrics.csv") - 1))
  say "resume: $SAMLAB train --resume --out $run ($before epochs in metrics.csv)"
  fg timeout "$(limit 150)" "$SAMLAB" train --resume --out "$run" --quiet > "$LOGDIR/train-2.out" 2> "$LOGDIR/train-2.err"
  rc=$?
  cat "$LOGDIR/train-2.out" "$LOGDIR/train-2.err"
  local rows; rows=$(($(grep -c . "$run/metrics.csv") - 1))
  result train.rows "$rows"
  result train.ips "$(awk -F, 'NR == 3 { printf "%.0f", $10 }' "$run/metrics.csv")"
  if [ "$rc" = 0 ] && [ "$rows" = 2 ] && [ "$(awk -F, 'NR > 1 { printf "%s ", $1 }' "$run/metrics.csv")" = "1 2 " ] && ! grep -q interrupted "$LOGDIR/train-2.err"; then
    result train.resume "ok: continued from epoch $((before + 1)), epochs 1 2 in metrics.csv"
  else
    result train.resume "fail (rc $rc, $rows rows)"
  fi
}
if [ "$(left)" -gt 30 ]; then train_check; else result train.interrupt "skipped: out of time"; fi

finish | tee "$LOGDIR/summary.md"
bad=$(awk -F'\t' '$2 ~ /^(fail|skipped)/' "$RESULTS")
[ -z "$bad" ] || { echo "failed or skipped: $(cut -f1 <<< "$bad" | tr '\n' ' ')"; exit 1; }
