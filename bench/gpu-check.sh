#!/usr/bin/env bash
# For whoever gets a machine with a GPU: build gpu.js's native headless-gl, then run the kernel
# conformance suite for gpujs in GL mode, the suites above the kernels in GL mode, and the matmul
# benchmark, each under a timeout.
# See docs/gpu.md for the why of each step. Prepared on a machine without a GPU (where the gl build
# fails for want of libxi-dev), so the GL steps themselves have not run here.
#
#   bench/gpu-check.sh              # uses $DISPLAY if set (an X server on the GPU driver), else xvfb-run
#   SKIP_APT=1 bench/gpu-check.sh   # system packages already installed
#
# Results: results/gpu-check/{renderer.txt,kernels.txt,nets.txt,matmul.txt,matmul-gl.json,matmul-cpu.json}.
# Step 1 needs apt repositories to be reachable (or SKIP_APT=1 with the packages already there).
set -uo pipefail
cd "$(dirname "$0")/.."

STEP_TIMEOUT="${STEP_TIMEOUT:-900}"   # seconds per step; the gl source build alone takes ~4 min on 2 cores
OUT=results/gpu-check
mkdir -p "$OUT"
status=0
log() { printf '\n== %s\n' "$*"; }

# 1. System packages: the C++ build chain gl needs, a virtual X display, Mesa's GL and glxinfo.
if [ "${SKIP_APT:-0}" != 1 ]; then
  log "apt packages"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq || status=1
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    build-essential python3 libxi-dev libglu1-mesa-dev libglew-dev pkg-config \
    xvfb xauth libgl1-mesa-dri mesa-utils || { echo "apt-get failed"; exit 1; }
fi

# 2. Node modules, then gl's install script. package.json denies it ("gl": false) and npm 11 keeps a
#    denial through `npm install-scripts approve`, so flip the entry for the build and restore it after.
[ -d node_modules/gpu.js ] || { log "npm ci"; timeout "$STEP_TIMEOUT" npm ci || exit 1; }
cp package.json "$OUT/package.json.orig"
trap 'cp "$OUT/package.json.orig" package.json' EXIT
if node -e "require('gl')" 2>/dev/null; then
  log "gl already built"
else
  log "building gl (prebuilt download, else node-gyp from source)"
  npm pkg set allowScripts.gl=true --json
  timeout "$STEP_TIMEOUT" npm rebuild gl --foreground-scripts || { echo "gl build failed (see above)"; exit 1; }
fi
timeout "$STEP_TIMEOUT" npm run build || exit 1

# 3. A display: an existing one (e.g. Xorg on the NVIDIA driver) renders on the GPU; xvfb-run renders
#    through Mesa llvmpipe on the CPU, which checks correctness but not GPU speed.
if [ -n "${DISPLAY:-}" ]; then
  RUN=()
  log "using DISPLAY=$DISPLAY"
else
  RUN=(xvfb-run -a -s '-ac -screen 0 1280x1024x24')
  log "no DISPLAY: using xvfb-run (software GL)"
fi

log "renderer"
{
  command -v glxinfo >/dev/null && "${RUN[@]}" glxinfo -B 2>&1 | grep -E 'renderer|OpenGL version|Accelerated'
  "${RUN[@]}" node -e "
    const gl = require('gl')(1, 1);
    console.log('headless-gl:', gl ? gl.getParameter(gl.VERSION) + ' / ' + gl.getParameter(gl.RENDERER) : 'no context');
    const { GPU } = require('gpu.js');
    console.log('gpu.js isHeadlessGLSupported:', GPU.isHeadlessGLSupported);
  "
} 2>&1 | tee "$OUT/renderer.txt"

# 4. The conformance suite for gpu.js in GL mode, and in the mode gpu.js picks by itself.
log "kernel conformance suite (gpujs:headlessgl, gpujs)"
KERNEL_BACKENDS=gpujs:headlessgl,gpujs timeout "$STEP_TIMEOUT" "${RUN[@]}" \
  npx mocha --no-config --reporter spec/reporter.js --timeout 600000 spec/kernels.spec.js 2>&1 | tee "$OUT/kernels.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# 4b. The suites above the kernels (autograd, nets, traces, initialization, training) in GL mode:
#     every describe of spec/backends.ts's describeOnBackends, named '[gpujs:headlessgl, float32]'.
log "conformance above the kernels (gpujs:headlessgl)"
KERNEL_BACKENDS=gpujs:headlessgl timeout "$STEP_TIMEOUT" "${RUN[@]}" \
  npx mocha --no-config --reporter spec/reporter.js --timeout 600000 --fgrep '[gpujs:headlessgl' 'spec/**/*.spec.js' 2>&1 | tee "$OUT/nets.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

# 5. Matmul speed, GL against the CPU paths, on the same machine in the same run. The large shape
#    only for GL: the CPU paths would take about a minute each on it.
log "matmul benchmark"
timeout "$STEP_TIMEOUT" "${RUN[@]}" node bench/matmul-backends.js --backend gpujs:headlessgl \
  --shape 1024x256x256,1024x784x100,100x100x1,4096x1024x1024 --seconds 2 --json "$OUT/matmul-gl.json" 2>&1 | tee "$OUT/matmul.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1
timeout "$STEP_TIMEOUT" node bench/matmul-backends.js --backend gpujs:webasm,reference \
  --shape 1024x256x256,1024x784x100,100x100x1 --seconds 2 --json "$OUT/matmul-cpu.json" 2>&1 | tee -a "$OUT/matmul.txt"
[ "${PIPESTATUS[0]}" -eq 0 ] || status=1

log "done (status $status); results in $OUT"
exit "$status"
