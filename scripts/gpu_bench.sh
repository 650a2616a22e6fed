#!/usr/bin/env bash
# gpu_bench.sh: on a machine with an NVIDIA GPU, build samlab against the
# CUDA LibTorch that ships inside a PyTorch 2.0.x install (gotch v0.8.0
# targets LibTorch 2.0), then time a ResNet18/CIFAR10-shaped training step
# per method and print epoch time (50,000 images) beside PyTorch's on the
# same GPU and the same LibTorch.
#
#   scripts/gpu_bench.sh                 # uses python3's torch (must be 2.0.x+cuXXX)
#   PYTHON=/path/python3 BATCH=128 STEPS=20 METHODS=sgd,sam,regsgd,1sam,lsam,jsam scripts/gpu_bench.sh
#
# Needs: Go (>= the go.mod version), a C++ compiler, and `pip install torch==2.0.1`
# (CUDA wheel). No network access is needed after that. Per-example methods
# (1sam, lsam, jsam) loop over the batch: keep STEPS small for them.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
BATCH=${BATCH:-128}
STEPS=${STEPS:-20}
PE_STEPS=${PE_STEPS:-2}
METHODS=${METHODS:-sgd,sam,regsgd}
PE_METHODS=${PE_METHODS:-1sam,lsam,jsam}
NORM_PE=${NORM_PE:-ln}

command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader || echo "warning: nvidia-smi not found"
TORCH_DIR=$("$PYTHON" -c 'import torch, os; print(os.path.dirname(torch.__file__))')
TORCH_VER=$("$PYTHON" -c 'import torch; print(torch.__version__)')
CUDA_OK=$("$PYTHON" -c 'import torch; print(int(torch.cuda.is_available()))')
ABI=$("$PYTHON" -c 'import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))')
echo "PyTorch $TORCH_VER at $TORCH_DIR (CUDA available: $CUDA_OK, CXX11 ABI: $ABI)"
case "$TORCH_VER" in 2.0.*) ;; *) echo "warning: gotch v0.8.0 targets LibTorch 2.0.x; $TORCH_VER may fail to compile (stub the failing wrappers, see docs/torch.md)";; esac
[ "$CUDA_OK" = 1 ] || { echo "gpu_bench.sh: torch.cuda.is_available() is false: no usable GPU" >&2; exit 1; }

# Build with the CUDA LibTorch from the PyTorch install (re-patches build/gotch).
make gotch torch LIBTORCH="$TORCH_DIR" TORCH_CUDA=1 TORCH_CXXFLAGS="-D_GLIBCXX_USE_CXX11_ABI=$ABI"
export LD_LIBRARY_PATH="$TORCH_DIR/lib:${LD_LIBRARY_PATH:-}"

epoch() { awk -v b="$1" 'BEGIN { printf "%.1f", 50000 / b }'; }
run_samlab() { # methods norm steps
  bin/samlab speed --device cuda --model resnet18 --norm "$2" --batch "$BATCH" --steps "$3" --warmup 2 --methods "$1"
}
echo
echo "== samlab (gotch, LibTorch $TORCH_VER) =="
out=$(run_samlab "$METHODS" bn "$STEPS"; run_samlab "$PE_METHODS" "$NORM_PE" "$PE_STEPS" | tail -n +3)
echo "$out"
echo
echo "== PyTorch $TORCH_VER (same LibTorch) =="
pyout=$("$PYTHON" bench/pytorch_resnet18.py --device cuda --batch "$BATCH" --steps "$STEPS" --warmup 2 --methods sgd,sam)
echo "$pyout"
echo
echo "== epoch time (50,000 images, batch $BATCH) =="
printf "%-8s %12s %12s\n" method samlab_s pytorch_s
for m in ${METHODS//,/ } ${PE_METHODS//,/ }; do
  s=$(echo "$out" | awk -v m="$m" '$1 == m { print $3 }')
  p=$(echo "$pyout" | awk -v m="$m" '$1 == m { print $3 }')
  printf "%-8s %12s %12s\n" "$m" "${s:+$(epoch "$s")}" "${p:+$(epoch "$p")}"
done
