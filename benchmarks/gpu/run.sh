#!/usr/bin/env bash
# GPU check and CPU-vs-GPU comparison of src/Cuda (issue 5).
#
#   benchmarks/gpu/run.sh prepare
#       On a machine with the .NET 10 SDK: builds, runs the Cuda tests on ILGPU's CPU accelerator, and publishes the
#       benchmark self-contained (the .NET runtime included: the GPU machine needs no SDK) to
#       benchmarks/gpu/publish/gpubench.tar.gz (git-ignored, about 40 MB).
#   benchmarks/gpu/run.sh [--quick]
#       On the GPU machine (only the NVIDIA driver is needed): prints the GPU, runs the Cuda tests on the CUDA
#       accelerator when an SDK is present (RLF_TEST_DEVICE=cuda dotnet test), then the published benchmark:
#       "verify" (GPU trees and predictions equal the CPU's on this GPU) and "bench" (fit, batch prediction,
#       incremental workload). Results go to $OUT (or benchmarks/gpu/out)/gpu-results.md and gpu-run.log.
#       With the device tool: run(command="bash benchmarks/gpu/run.sh", carry=["benchmarks/gpu/publish"]).
#       RLF_GPU_USE_PUBLISHED=1 uses the published benchmark even where an SDK is installed.
set -euo pipefail
cd "$(dirname "$0")/../.."
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if [ "${1:-}" = "prepare" ]; then
  dotnet build tests/Cuda.Tests -c Release
  dotnet test tests/Cuda.Tests -c Release --no-build
  rm -rf benchmarks/gpu/publish
  dotnet publish benchmarks/gpu/GpuBench -c Release -r linux-x64 --self-contained -o benchmarks/gpu/publish/gpubench
  find benchmarks/gpu/publish/gpubench -name '*.dbg' -delete
  tar -czf benchmarks/gpu/publish/gpubench.tar.gz -C benchmarks/gpu/publish gpubench
  rm -rf benchmarks/gpu/publish/gpubench
  ls -la benchmarks/gpu/publish
  exit 0
fi

out="${OUT:-benchmarks/gpu/out}"
mkdir -p "$out"
log="$out/gpu-run.log"
: > "$log"
status=0
{
  echo "== $(date -u +%FT%TZ) GPU"
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv || echo "nvidia-smi not found: is the NVIDIA driver installed?"
  echo "== CPU: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
} 2>&1 | tee -a "$log"

if [ -z "${RLF_GPU_USE_PUBLISHED:-}" ] && command -v dotnet >/dev/null 2>&1; then
  echo "== Cuda tests on the CUDA accelerator (RLF_TEST_DEVICE=cuda)" | tee -a "$log"
  dotnet build tests/Cuda.Tests -c Release 2>&1 | tail -3 | tee -a "$log"
  RLF_TEST_DEVICE=cuda dotnet test tests/Cuda.Tests -c Release --no-build 2>&1 | tee -a "$log" || status=1
  bench=(dotnet run -c Release --project benchmarks/gpu/GpuBench --)
else
  echo "== no .NET SDK here: xUnit tests skipped; the published benchmark's 'verify' checks the GPU against the CPU" | tee -a "$log"
  if [ ! -f benchmarks/gpu/publish/gpubench.tar.gz ]; then
    echo "benchmarks/gpu/publish/gpubench.tar.gz is missing: run 'benchmarks/gpu/run.sh prepare' where the SDK is, and carry benchmarks/gpu/publish" | tee -a "$log"
    exit 1
  fi
  rm -rf /tmp/gpubench && tar -xzf benchmarks/gpu/publish/gpubench.tar.gz -C /tmp
  bench=(/tmp/gpubench/RLFramework.GpuBench)
fi
"${bench[@]}" all --device cuda --out "$out" "$@" 2>&1 | tee -a "$log" || status=1
exit $status
