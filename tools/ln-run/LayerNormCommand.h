//===- LayerNormCommand.h - ln-run layernorm and sweep ----------*- C++ -*-===//

#ifndef LN_TOOLS_LN_RUN_LAYERNORMCOMMAND_H
#define LN_TOOLS_LN_RUN_LAYERNORMCOMMAND_H

#include "Options.h"

#include "ln/Runtime/Runtime.h"

#include <functional>
#include <string>

namespace ln::run {

/// Median time of `body` (work enqueued on the default stream) over
/// `timing.repetitions` runs after `timing.warmup` runs, each run timed
/// with CUDA events after flushing the L2 cache, in milliseconds.
double timeMedian(const runtime::Context &context, const TimingOptions &timing,
                  const std::function<void()> &body);

/// Bytes read plus bytes written per second by a large device-to-device
/// copy: the memory bandwidth a bandwidth-bound kernel can hope for.
double measureCopyBandwidth(const runtime::Context &context);

/// The speed of light of a pass that moves `bytes` (read + written): the
/// bandwidth, in bytes per second, of a device-to-device copy of bytes / 2
/// (read once, written once), timed as the passes are.
double measureSameShapeCopy(const runtime::Context &context,
                            const TimingOptions &timing, size_t bytes);

struct LayerNormResult {
  bool checked = false, passed = true;
  std::string failure;     // the worst element, when the check failed
  double worstError = 0;   // worst |error| / tolerance over all outputs
  double milliseconds = 0; // when benchmarked
  double gigabytesPerSecond = 0;
};

/// Runs `point` once as `options` say (its lists aside): checks against a
/// float64 CPU reference and/or times.
LayerNormResult runLayerNorm(const runtime::Context &context,
                             const LayerNormPoint &point,
                             const LayerNormOptions &options);

int runLayerNormCommand(const LayerNormOptions &options);
int runSweepCommand(const SweepOptions &options);

} // namespace ln::run

#endif // LN_TOOLS_LN_RUN_LAYERNORMCOMMAND_H
